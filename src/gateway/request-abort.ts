/** @module A request's cancellation: client gone, total-time limit, terminate-in-flight; lighter than an AbortController. */

/**
 * What an AbortController does for one request, without an EventTarget per request (creating the signal and
 * adding and removing its listener cost several microseconds a request). One listener at a time: the upstream
 * call in flight.
 */
export class RequestAbort {
  aborted = false;
  reason: unknown = undefined;
  #listener: ((reason: unknown) => void) | undefined = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const l = this.#listener;
    this.#listener = undefined;
    l?.(reason);
  }

  /** Sets (or with undefined, clears) the one listener; called at once when already aborted. */
  listen(fn: ((reason: unknown) => void) | undefined): void {
    this.#listener = fn;
    if (fn && this.aborted) {
      this.#listener = undefined;
      fn(this.reason);
    }
  }
}
