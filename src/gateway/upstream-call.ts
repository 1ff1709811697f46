/** @module One upstream HTTP exchange as an undici dispatch handler: status and content type, then the body as a queue of chunks. */
import { errors as undiciErrors } from 'undici';
import { GatewayError } from '../core/errors.js';
import type { RequestAbort } from './request-abort.js';
import type { UpstreamResponse } from './upstream-response.js';

/** Bytes queued unread before undici is told to stop reading the socket (backpressure). */
const HIGH_WATER = 64 * 1024;
/** What dump() reads to keep the connection; past this it closes it instead. */
const DUMP_LIMIT = 128 * 1024;

type Waiter = () => void;

/**
 * undici's legacy handler interface (onConnect, onHeaders, onData, onComplete, onError) is the one it drives
 * natively; the newer controller interface is adapted onto it at extra cost per call.
 */
export class UpstreamCall implements UpstreamResponse {
  status = 0;
  contentType = '';
  readonly headers: Promise<UpstreamResponse>;
  #headersOk!: (r: UpstreamResponse) => void;
  #headersFail!: (e: unknown) => void;
  #gotHeaders = false;
  readonly #abort: RequestAbort;
  #undiciAbort: ((err?: Error) => void) | undefined = undefined;
  #resume: (() => void) | undefined = undefined;
  #paused = false;
  #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown = undefined;
  #waiter: Waiter | undefined = undefined;
  #dumping = false;
  #dumped = 0;

  constructor(abort: RequestAbort) {
    this.#abort = abort;
    this.headers = new Promise<UpstreamResponse>((ok, fail) => {
      this.#headersOk = ok;
      this.#headersFail = fail;
    });
    abort.listen((reason) => this.#undiciAbort?.(reason instanceof Error ? reason : new Error(String(reason))));
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.#abort.aborted) {
      const r = this.#abort.reason;
      abort(r instanceof Error ? r : new Error(String(r)));
      return;
    }
    this.#undiciAbort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null, resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.#resume = resume;
    if (rawHeaders) {
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        const name = rawHeaders[i];
        if (name === undefined || name.length !== 12) continue;
        if (name.toString().toLowerCase() === 'content-type') {
          this.contentType = String(rawHeaders[i + 1]);
          break;
        }
      }
    }
    this.#gotHeaders = true;
    this.#headersOk(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#dumping) {
      this.#dumped += chunk.length;
      if (this.#dumped > DUMP_LIMIT) this.#undiciAbort?.(new Error('dumped'));
      return true;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#wake();
    if (this.#queued > HIGH_WATER) {
      this.#paused = true;
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.#ended = true;
    this.#abort.listen(undefined);
    this.#wake();
  }

  onError(err: Error): void {
    this.#abort.listen(undefined);
    if (!this.#gotHeaders) {
      this.#headersFail(upstreamFailure(err, this.#abort));
      return;
    }
    this.#error = err;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w();
    }
  }

  /** Everything queued, as one buffer: chunks that arrived together leave together (one write to the client, not one each). */
  #take(): Buffer | undefined {
    const q = this.#queue;
    if (q.length === 0) return undefined;
    const c = q.length === 1 ? (q[0] as Buffer) : Buffer.concat(q, this.#queued);
    q.length = 0;
    this.#queued = 0;
    if (this.#paused) {
      this.#paused = false;
      this.#resume?.();
    }
    return c;
  }

  #wait(): Promise<void> {
    return new Promise<void>((r) => {
      this.#waiter = r;
    });
  }

  /** The call itself: no iterable object and closure per read. */
  get body(): AsyncIterable<Uint8Array> {
    return this;
  }

  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    return this.#iterate();
  }

  async *#iterate(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = this.#take();
      if (c) {
        yield c;
        continue;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return;
      await this.#wait();
    }
  }

  async text(maxBytes: number): Promise<string> {
    while (!this.#ended && this.#error === undefined) {
      if (this.#queued > maxBytes) {
        await this.dump();
        throw new GatewayError('GW_UPSTREAM_ERROR', 'The upstream response is too large.');
      }
      // Keep reading past the high-water mark: the whole body is wanted.
      if (this.#paused) {
        this.#paused = false;
        this.#resume?.();
      }
      await this.#wait();
    }
    if (this.#error !== undefined) throw this.#error;
    if (this.#queued > maxBytes) throw new GatewayError('GW_UPSTREAM_ERROR', 'The upstream response is too large.');
    const q = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    // Decoding the joined bytes once keeps a UTF-8 character split across two reads intact.
    return q.length === 1 ? (q[0] as Buffer).toString('utf8') : Buffer.concat(q).toString('utf8');
  }

  async dump(): Promise<void> {
    this.#queue = [];
    this.#queued = 0;
    if (this.#ended || this.#error !== undefined) return;
    this.#dumping = true;
    if (this.#paused) {
      this.#paused = false;
      this.#resume?.();
    }
    while (!this.#ended && this.#error === undefined) await this.#wait();
  }
}

/** Maps an undici or abort failure to the wire error; `retryable` only when the request cannot have been processed. */
export function upstreamFailure(err: unknown, abort: { readonly aborted: boolean; readonly reason: unknown } | undefined): GatewayError {
  if (err instanceof GatewayError) return err;
  if (abort?.aborted) {
    const reason: unknown = abort.reason;
    if (reason instanceof GatewayError) return reason;
    return new GatewayError('GW_UPSTREAM_ERROR', 'The request was aborted.', { cause: err });
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', 'The upstream provider did not accept the connection in time.', { cause: err, retryable: true });
  }
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', 'The upstream provider did not answer in time.', { cause: err });
  }
  const code = (err as { code?: string }).code;
  const retryable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
  return new GatewayError('GW_UPSTREAM_ERROR', 'The upstream provider could not be reached or failed.', { cause: err, retryable });
}
