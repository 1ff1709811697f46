/** @module Context-word lookups near a candidate: a bounded window, so cost stays constant per candidate. */

/** Lower-cased window of at most `width` code units before `start`. */
export function windowBefore(text: string, start: number, width: number): string {
  return text.slice(Math.max(0, start - width), start).toLowerCase();
}

/** Lower-cased window of at most `width` code units after `end`. */
export function windowAfter(text: string, end: number, width: number): string {
  return text.slice(end, Math.min(text.length, end + width)).toLowerCase();
}

export function containsAny(haystack: string, needles: readonly string[]): boolean {
  for (const n of needles) if (haystack.includes(n)) return true;
  return false;
}
