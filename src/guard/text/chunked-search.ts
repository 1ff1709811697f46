/**
 * @module Searches of a huge text that read a deadline as they go. A regex or indexOf search runs to its first match
 * in one native call: over 4 MiB without a match that is several milliseconds (ten on two-byte text) with no clock
 * read, which a scanner near its deadline runs past. With a deadline, these search the text a chunk at a time.
 */
import { checkDeadline, type DeadlineClock } from '../deadline.js';

/** Code units searched between two clock reads: a few tenths of a millisecond for the regex engine. */
const CHUNK = 1 << 16;

/**
 * `re.lastIndex = from; re.exec(text)`, returning the match's start (-1 for none) and leaving `re.lastIndex` at its
 * end, as that call does. `re` is global, without look-behind (but a `\b` at the match's start, which reads one
 * unit before it), and no match of it, look-ahead included, is longer than `maxLen` units. With `dl`, the text is
 * searched in chunks (slices, which V8 makes without a copy), `dl` read before each but the first: a match starting in a chunk
 * sees all it can read in the slice, so every match is the one the whole-text search finds.
 */
export function execFrom(re: RegExp, text: string, from: number, maxLen: number, dl: DeadlineClock | undefined): number {
  const n = text.length;
  if (dl === undefined || n - from <= CHUNK) {
    re.lastIndex = from;
    const m = re.exec(text);
    return m === null ? -1 : m.index;
  }
  for (let at = from; at < n; at += CHUNK) {
    // Not before the first chunk: a caller finding match after match reads the clock itself, every so often.
    if (at !== from) checkDeadline(dl);
    const back = at > 0 ? 1 : 0;
    const sliceStart = at - back;
    const sliceEnd = Math.min(n, at + CHUNK + maxLen + 1);
    re.lastIndex = back;
    const m = re.exec(text.slice(sliceStart, sliceEnd));
    if (m === null) continue;
    // A match starting past the chunk may be cut short by the slice's end: it is found again from the next chunk.
    if (m.index - back >= CHUNK && sliceEnd < n) continue;
    re.lastIndex += sliceStart;
    return m.index + sliceStart;
  }
  re.lastIndex = 0;
  return -1;
}

/**
 * `re.lastIndex = from; re.test(text) ? re.lastIndex : -1`: where the first match ends (see execFrom for `re`,
 * `maxLen` and `dl`). Without a deadline, `test`: no match array for the many short searches of a prompt.
 */
export function testFrom(re: RegExp, text: string, from: number, maxLen: number, dl: DeadlineClock | undefined): number {
  if (dl === undefined || text.length - from <= CHUNK) {
    re.lastIndex = from;
    return re.test(text) ? re.lastIndex : -1;
  }
  return execFrom(re, text, from, maxLen, dl) === -1 ? -1 : re.lastIndex;
}

/** `text.indexOf(needle, from)`; with `dl`, a chunk at a time, `dl` read before each (see execFrom). */
export function indexOfFrom(text: string, needle: string, from: number, dl: DeadlineClock | undefined): number {
  const n = text.length;
  if (dl === undefined || n - from <= CHUNK) return text.indexOf(needle, from);
  const first = Math.max(0, from);
  for (let at = first; at < n; at += CHUNK) {
    if (at !== first) checkDeadline(dl);
    // The slice holds every start in the chunk with the whole needle after it.
    const i = text.slice(at, Math.min(n, at + CHUNK + needle.length - 1)).indexOf(needle);
    if (i !== -1) return at + i;
  }
  return -1;
}
