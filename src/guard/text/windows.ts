/** @module Overlapping windows over folded text, so an instruction buried in a long carrier is scored on its own. */

export type WindowSpec = { readonly size: number; readonly stride: number };

export const DEFAULT_WINDOW: WindowSpec = { size: 320, stride: 160 };

/** Start offsets of the windows covering [0, length); the last window is aligned to the end. */
export function windowStarts(length: number, spec: WindowSpec): number[] {
  if (length <= spec.size) return [0];
  const starts: number[] = [];
  for (let s = 0; s + spec.size < length; s += spec.stride) starts.push(s);
  starts.push(length - spec.size);
  return starts;
}

/** First index in the non-decreasing `pos[0..count)` with pos >= value. */
export function lowerBound(pos: Int32Array, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pos[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
