/**
 * @module Postcodes on their own line at the end of a multi-line postal address ("Belgium 65260" under the street,
 * suite and town lines): part of the address, though the tagger, reading a line with no street word, misses them.
 */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { isDigit } from './chars.js';
import { KIND, type SpanList } from './spans.js';

/** Lines after an address's end that may hold its postcode (town, region, blank and country lines). */
const MAX_LINES = 5;
const MAX_REACH = 200;
const MAX_LINE = 64;

/** A letter of a place name (Latin, with accents), or the space, dot, hyphen and apostrophe inside one. */
function isPlaceChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f) || c === 32 || c === 46 || c === 45 || c === 39;
}

/**
 * The postcode ending text[ls, le): `[> ]* Place Name 12345`, or the code alone on its line (`53650`, `53-320`).
 * Undefined when the line is anything else.
 */
function postcodeLine(text: string, ls: number, le: number): { start: number; end: number } | undefined {
  let e = le;
  while (e > ls && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 13 || text.charCodeAt(e - 1) === 9)) e--;
  let s = e;
  while (s > ls && isDigit(text.charCodeAt(s - 1))) s--;
  let digits = e - s;
  // Polish and Portuguese style: 53-320, 1000-001.
  if (digits >= 3 && text.charCodeAt(s - 1) === 45 && isDigit(text.charCodeAt(s - 2))) {
    let t = s - 1;
    while (t > ls && isDigit(text.charCodeAt(t - 1))) t--;
    if (s - 1 - t >= 2 && s - 1 - t <= 4) {
      digits += s - 1 - t;
      s = t;
    }
  }
  let p = ls;
  while (p < s && (text.charCodeAt(p) === 62 || text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  if (p === s) return digits >= 3 && digits <= 8 ? { start: s, end: e } : undefined;
  if (digits < 4 || digits > 8 || text.charCodeAt(s - 1) !== 32) return undefined;
  let letters = 0;
  for (let i = p; i < s - 1; i++) {
    const c = text.charCodeAt(i);
    if (!isPlaceChar(c)) return undefined;
    if (c !== 32 && c !== 46 && c !== 45 && c !== 39) letters++;
  }
  return letters >= 2 ? { start: s, end: e } : undefined;
}

/** Whether [start, end) overlaps a span of `l`, which is sorted by start and disjoint: a binary search. */
function overlaps(l: SpanList, start: number, end: number): boolean {
  let lo = 0;
  let hi = l.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((l.end[mid] as number) <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < l.count && (l.start[lo] as number) < end;
}

/**
 * The first line feed in text[from, from + reach], or -1 when there is none there: as `text.indexOf('\n', from)` for
 * a caller that rejects one further away. An unbounded indexOf per address made a text without line feeds quadratic
 * (4 MiB of numbers the tagger reads as addresses: half a second).
 */
function newlineWithin(text: string, from: number, reach: number): number {
  const end = Math.min(text.length, from + reach + 1);
  for (let i = from; i < end; i++) if (text.charCodeAt(i) === 10) return i;
  return -1;
}

/**
 * Appends to `into` an ADDRESS span for each such postcode after an ADDRESS span of `resolved` (sorted, disjoint).
 * `dl`: a deadline checked every DEADLINE_STRIDE spans (see guard/deadline.ts); absent, never.
 */
export function findTrailingPostcodes(text: string, resolved: SpanList, into: SpanList, dl?: DeadlineClock): number {
  const address = KIND.ADDRESS;
  let added = 0;
  let after = -1; // a postcode closes its address; the next one is looked for after it
  let check = 0;
  for (let i = 0; i < resolved.count; i++) {
    if (i >= check) check = deadlineAt(dl, i);
    if (resolved.kind[i] !== address || (resolved.end[i] as number) <= after) continue;
    const from = resolved.end[i] as number;
    // The address must end its line ("12 Main Street is where we met" is a mention, not a postal block).
    let nl = newlineWithin(text, from, 4);
    if (nl === -1 || !/^[\s,.;]*$/.test(text.slice(from, nl))) continue;
    for (let n = 0; n < MAX_LINES && nl !== -1 && nl - from <= MAX_REACH; n++) {
      const ls = nl + 1;
      // A line feed past MAX_LINE, or none and the text going on past it, both end the search (the line is too long).
      nl = newlineWithin(text, ls, MAX_LINE);
      if (nl === -1 && text.length - ls > MAX_LINE) break;
      const le = nl === -1 ? text.length : nl;
      if (le - ls > MAX_LINE) break;
      const pc = postcodeLine(text, ls, le);
      if (pc === undefined) continue;
      if (!overlaps(resolved, pc.start, pc.end)) {
        into.add(address, pc.start, pc.end, 0.7);
        added++;
      }
      after = pc.end;
      break;
    }
  }
  return added;
}
