/** @module Cooperative time limits: a scanner's long loops ask, every so often and cheaply, whether its deadline has passed. */

/** What a deadline check needs; a ScanContext is one. `deadline` is absolute, in `now()` milliseconds. */
export type DeadlineClock = { readonly now: () => number; readonly deadline?: number | undefined };

/**
 * Thrown by a scanner that stopped at its deadline; the runner reports it as a `timeout` failure (fail closed, see
 * attempt-scan.ts). A class, not a code on a plain Error: the runner tells it from other throws with `instanceof`.
 */
export class ScanTimeoutError extends Error {
  override readonly name = 'ScanTimeoutError';
  constructor() {
    super('scanner stopped at its deadline');
  }
}

/**
 * Code units (or iterations) between two clock reads. At the 4 MiB body limit that is 64 reads per loop, each a
 * fraction of a microsecond; a text shorter than this is never checked (see `deadlineFor`), so prompts pay nothing.
 */
export const DEADLINE_STRIDE = 1 << 16;

/**
 * The clock to pass to a scanner's loops for `text`, or undefined when there is no deadline or the text is too
 * short to be worth checking: loops then never read the clock.
 */
export function deadlineFor(ctx: DeadlineClock | undefined, textLength: number): DeadlineClock | undefined {
  return ctx === undefined || ctx.deadline === undefined || textLength < DEADLINE_STRIDE ? undefined : ctx;
}

/** Throws ScanTimeoutError when `d`'s deadline has passed. One clock read; call it between phases. */
export function checkDeadline(d: DeadlineClock | undefined): void {
  if (d !== undefined && d.deadline !== undefined && d.now() > d.deadline) throw new ScanTimeoutError();
}

/**
 * For a loop over text positions: `if (pos >= next) next = deadlineAt(d, pos);` with `next` starting at 0. Checks
 * the deadline and returns the next position to check at; +Infinity without a deadline, so the test never fires again.
 */
export function deadlineAt(d: DeadlineClock | undefined, pos: number): number {
  if (d === undefined || d.deadline === undefined) return Infinity;
  if (d.now() > d.deadline) throw new ScanTimeoutError();
  return pos + DEADLINE_STRIDE;
}
