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
 * Code units (or iterations) between two clock reads. At the 4 MiB body limit that is 1,024 reads per loop, each a
 * fraction of a microsecond (about 40 µs in all); the loops that do the most per code unit (a recogniser's work per
 * match in text that is all matches, the tagger) take about a millisecond per stride, which is what a scanner can
 * run past its deadline. At 1 << 16 they ran 10-20 ms past it, and the stage past the 50 ms target.
 */
export const DEADLINE_STRIDE = 1 << 12;

/** Texts shorter than this are never checked (see `deadlineFor`): a whole scan of one takes a few milliseconds at most. */
export const DEADLINE_MIN_LENGTH = 1 << 16;

/**
 * The clock to pass to a scanner's loops for `text`, or undefined when there is no deadline or the text is too
 * short to be worth checking: loops then never read the clock, so prompts pay nothing.
 */
export function deadlineFor(ctx: DeadlineClock | undefined, textLength: number): DeadlineClock | undefined {
  return ctx === undefined || ctx.deadline === undefined || textLength < DEADLINE_MIN_LENGTH ? undefined : ctx;
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
