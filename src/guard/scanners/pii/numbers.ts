/** @module Digit-group recognisers (credit card, US SSN, phone): one left-to-right pass, bounded chunks, validation. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { testFrom } from '../../text/chunked-search.js';
import { boundaryAfter, boundaryBefore, isDigit } from './chars.js';
import { containsAny, windowAfter, windowBefore } from './context.js';
import { ssnValid } from './checksums.js';
import { KIND, type SpanList } from './spans.js';

const MAX_CHUNK = 40;
const PHONE_BEFORE = ['phone', 'tel', 'call', 'mobile', 'cell', 'fax', 'contact', 'reach', 'number', 'whatsapp', 'sms', 'text me', 'dial', 'registered', 'office', 'landline', 'ring'];
const PHONE_AFTER = ['office', 'fax', 'mobile', 'cell', 'home', 'work', 'phone', '(o)', '(m)', '(h)'];
const CARD_WORDS = ['card', 'visa', 'mastercard', 'amex', 'credit', 'debit', 'cc', 'pan'];
const SSN_WORDS = ['ssn', 'social security', 'social sec', 'ss#', 'ss #'];

/**
 * A run of digit groups. One per `findNumbers` call, refilled for each run: a 4 MiB text of phone numbers and dates
 * holds hundreds of thousands of runs, and an object, two strings and an array per run were most of its cost.
 */
type Chunk = {
  start: number;
  end: number;
  /** Digit values, `count` of them (at most MAX_CHUNK + 1). */
  readonly digits: Uint8Array;
  count: number;
  /** Group lengths, `groupCount` of them. */
  readonly groups: Int32Array;
  groupCount: number;
  /** Separator characters seen (SEP_* bits) and how many: what the rules asked of the separator string. */
  sepMask: number;
  sepLen: number;
  plus: boolean;
  paren: boolean;
  ext: boolean;
};

/** Work record for `findNumbers`; a detector keeps one so a scan allocates none. */
export type NumberScratch = Chunk;

export function numberScratch(): NumberScratch {
  return newChunk();
}

function newChunk(): Chunk {
  return { start: 0, end: 0, digits: new Uint8Array(MAX_CHUNK + 2), count: 0, groups: new Int32Array(MAX_CHUNK + 2), groupCount: 0, sepMask: 0, sepLen: 0, plus: false, paren: false, ext: false };
}

function isSep(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47;
}

/** Reads digit groups joined by short separator runs from `i` into `c`; returns the end, negated minus one when too long. */
function readChunk(text: string, i: number, c: Chunk): number {
  const n = text.length;
  let s = i;
  let plus = false;
  let paren = false;
  if (s > 0 && text.charCodeAt(s - 1) === 40) {
    s--;
    paren = true;
  }
  if (s > 0 && text.charCodeAt(s - 1) === 43) {
    s--;
    plus = true;
  }
  const digits = c.digits;
  const groups = c.groups;
  let count = 0;
  let groupCount = 0;
  let sepMask = 0;
  let sepLen = 0;
  let ext = false;
  let p = i;
  let tooLong = false;
  for (;;) {
    const g = p;
    while (p < n && isDigit(text.charCodeAt(p))) {
      // Past MAX_CHUNK units the run is dropped below, so digits beyond the buffer are never read.
      if (count < digits.length) digits[count] = text.charCodeAt(p) - 48;
      count++;
      p++;
    }
    if (groupCount < groups.length) groups[groupCount] = p - g;
    groupCount++;
    if (p - s > MAX_CHUNK) {
      tooLong = true;
      break;
    }
    // Separator run of at most two characters, with at most one space, followed by a digit or '('.
    let q = p;
    let spaces = 0;
    while (q < n && q - p < 2 && isSep(text.charCodeAt(q))) {
      if (text.charCodeAt(q) === 32) spaces++;
      q++;
    }
    if (q > p && spaces <= 1 && q < n && (isDigit(text.charCodeAt(q)) || (text.charCodeAt(q) === 40 && isDigit(text.charCodeAt(q + 1))))) {
      for (let k = p; k < q; k++) {
        const ch = text.charCodeAt(k);
        if (ch === 40 || ch === 41) paren = true;
        sepMask |= sepBit(ch);
      }
      sepLen += q - p;
      p = q;
      if (text.charCodeAt(p) === 40) p++;
      continue;
    }
    // Extension: x123 or ext. 123
    if (p < n && (text.charCodeAt(p) === 120 || text.charCodeAt(p) === 88) && isDigit(text.charCodeAt(p + 1))) {
      let x = p + 1;
      while (x < n && x - p <= 6 && isDigit(text.charCodeAt(x))) x++;
      if (boundaryAfter(text, x)) {
        ext = true;
        p = x;
      }
    }
    break;
  }
  if (tooLong) {
    // Skip the whole run so a long digit string is examined once.
    while (p < n && (isDigit(text.charCodeAt(p)) || isSep(text.charCodeAt(p)))) p++;
    return -p - 1;
  }
  if (paren && text.charCodeAt(p) === 41) p++;
  c.start = s;
  c.end = p;
  c.count = count;
  c.groupCount = groupCount;
  c.sepMask = sepMask;
  c.sepLen = sepLen;
  c.plus = plus;
  c.paren = paren;
  c.ext = ext;
  return p;
}

const SEP_SPACE = 1;
const SEP_DASH = 2;
const SEP_DOT = 4;
const SEP_PAREN = 8;
const SEP_SLASH = 16;

function sepBit(c: number): number {
  return c === 32 ? SEP_SPACE : c === 45 ? SEP_DASH : c === 46 ? SEP_DOT : c === 47 ? SEP_SLASH : SEP_PAREN;
}

/** Whether the separators are all one character `bit` and `len` long: `seps === '--'` and the like. */
function sepsAre(c: Chunk, bit: number, len: number): boolean {
  return c.sepLen === len && c.sepMask === bit;
}

/** Whether every separator is among `allowed` (SEP_* bits); true with none. */
function sameSeps(c: Chunk, allowed: number): boolean {
  return (c.sepMask & ~allowed) === 0;
}

/** The number formed by digits [from, to) of the chunk. */
function digitsValue(c: Chunk, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) v = v * 10 + (c.digits[k] as number);
  return v;
}

/** Luhn check over the chunk's digits (as `luhnValid` on the digit string). */
function chunkLuhn(c: Chunk): boolean {
  let sum = 0;
  let double = false;
  for (let i = c.count - 1; i >= 0; i--) {
    let d = c.digits[i] as number;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return c.count > 0 && sum % 10 === 0;
}

function isDateLike(c: Chunk): boolean {
  const g = c.groups;
  if ((c.sepMask & SEP_SLASH) !== 0) return true;
  if (c.groupCount === 3 && !c.plus && !c.paren) {
    if (g[0] === 4 && g[1] === 2 && g[2] === 2) return true;
    if ((g[0] as number) <= 2 && (g[1] as number) <= 2 && g[2] === 4) return true;
  }
  return false;
}

/** Day, month and year ranges of a numeric date in y-m-d, m/d/y or d.m.y order. */
function validDate(c: Chunk): boolean {
  const g = c.groups;
  if (c.groupCount !== 3) return false;
  const g0 = g[0] as number;
  const g1 = g[1] as number;
  const p0 = digitsValue(c, 0, g0);
  const p1 = digitsValue(c, g0, g0 + g1);
  const p2 = digitsValue(c, g0 + g1, g0 + g1 + (g[2] as number));
  const a = g0 === 4 ? p1 : p0;
  const b = g0 === 4 ? p2 : p1;
  const y = g0 === 4 ? p0 : p2;
  const dayMonth = (a >= 1 && a <= 12 && b >= 1 && b <= 31) || (b >= 1 && b <= 12 && a >= 1 && a <= 31);
  const year = g0 === 4 || g[2] === 4 ? y >= 1000 && y <= 2999 : true;
  return dayMonth && year;
}

/** Whether text at `s` starts with exactly four dot-joined groups of 1-3 digits. */
function dottedQuadAt(text: string, s: number): boolean {
  let p = s;
  for (let group = 0; group < 4; group++) {
    if (group > 0) {
      if (text.charCodeAt(p) !== 46) return false;
      p++;
    }
    const g = p;
    while (p - g < 4 && isDigit(text.charCodeAt(p))) p++;
    if (p === g || p - g > 3) return false;
  }
  // A fifth dotted group makes it a phone written with dots (06.12.34.56.78), not an address.
  return !(text.charCodeAt(p) === 46 && isDigit(text.charCodeAt(p + 1)));
}

function hasCardContext(text: string, c: Chunk): number {
  return containsAny(windowBefore(text, c.start, 40), CARD_WORDS) ? 1 : 0;
}

function classify(text: string, c: Chunk, out: SpanList): void {
  const len = c.count;
  const g = c.groups;
  const groupCount = c.groupCount;
  if (len < 7) {
    // Too short for an SSN, a card or a phone (the checks below need 7+ digits; a dotted quad is never date-like):
    // only a date remains, and no context window is needed. Most numbers in prose end here.
    if (isDateLike(c) && validDate(c)) out.add(KIND.DATE_TIME, c.start, c.end, 0.6);
    return;
  }
  // The 40 units before the run, lower-cased, are taken only when a rule asks (dates and most long runs never do).
  // No closure here: this runs for every long digit run.
  if (!c.plus && !c.paren && !c.ext && groupCount === 3 && g[0] === 3 && g[1] === 2 && g[2] === 4 && (sepsAre(c, SEP_DASH, 2) || sepsAre(c, SEP_SPACE, 2))) {
    const ok = ssnValid(digitsValue(c, 0, 3), digitsValue(c, 3, 5), digitsValue(c, 5, len));
    if (ok) out.add(KIND.US_SSN, c.start, c.end, containsAny(windowBefore(text, c.start, 40), SSN_WORDS) ? 0.95 : 0.85);
    return;
  }
  if (!c.plus && !c.paren && !c.ext && len === 9 && groupCount === 1 && containsAny(windowBefore(text, c.start, 40), SSN_WORDS)) {
    if (ssnValid(digitsValue(c, 0, 3), digitsValue(c, 3, 5), digitsValue(c, 5, len))) out.add(KIND.US_SSN, c.start, c.end, 0.8);
    return;
  }
  // A dotted quad is an IPv4 address (or nothing); the IP recogniser owns it.
  if (groupCount === 4 && sepsAre(c, SEP_DOT, 3) && (g[0] as number) <= 3 && (g[1] as number) <= 3 && (g[2] as number) <= 3 && (g[3] as number) <= 3) return;
  if (isDateLike(c)) {
    if (validDate(c)) out.add(KIND.DATE_TIME, c.start, c.end, 0.6);
    return;
  }
  // -1 until needed, then 0 or 1.
  let cardContext = -1;
  if (!c.plus && !c.paren && !c.ext && sameSeps(c, SEP_SPACE | SEP_DASH) && len >= 12 && len <= 19 && chunkLuhn(c)) {
    const first = c.digits[0] as number;
    const iin = first >= 2 && first <= 6;
    if (!(len >= 13 && iin)) cardContext = hasCardContext(text, c);
    if ((len >= 13 && iin) || cardContext === 1) {
      if (cardContext === -1) cardContext = hasCardContext(text, c);
      out.add(KIND.CREDIT_CARD, c.start, c.end, cardContext === 1 ? 0.95 : 0.85);
      return;
    }
  }
  const core = len;
  if (core < 7 || core > 15 + (c.ext ? 6 : 0)) return;
  // `70-68-73-69=280`: the terms of a sum (a score card), not a phone number.
  if (text.charCodeAt(c.end) === 61) return;
  // `10.0.12.7(8080 port)`: an address with more digits after it, which the IP recogniser judges.
  if ((c.sepMask & SEP_DOT) !== 0 && dottedQuadAt(text, c.start)) return;
  const phoneContext = containsAny(windowBefore(text, c.start, 40), PHONE_BEFORE) || containsAny(windowAfter(text, c.end, 12), PHONE_AFTER);
  const last = groupCount - 1;
  const nanp = groupCount >= 3 && sameSeps(c, SEP_DASH | SEP_DOT) && g[last] === 4 && g[last - 1] === 3 && g[last - 2] === 3;
  const strong = c.plus || c.paren || c.ext || nanp;
  if (strong || (phoneContext && (groupCount >= 2 || core >= 10)) || (groupCount >= 3 && sameSeps(c, SEP_DASH | SEP_DOT) && core >= 8 && (cardContext === -1 ? hasCardContext(text, c) : cardContext) === 0)) {
    out.add(KIND.PHONE, c.start, c.end, phoneContext ? 0.9 : strong ? 0.75 : 0.6);
  }
}

/** `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. */
export function findNumbers(text: string, out: SpanList, scratch?: NumberScratch, dl?: DeadlineClock): void {
  const n = text.length;
  // The regex engine finds the next digit several times faster than a charCodeAt loop; prose has few digits.
  const digit = /[0-9]/g;
  let chunk: Chunk | undefined = scratch;
  let i = 0;
  let check = 0;
  while (i < n) {
    const at = testFrom(digit, text, i, 1, dl);
    if (at === -1) return;
    i = at - 1;
    if (i >= check) check = deadlineAt(dl, i);
    if (!boundaryBefore(text, i)) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      continue;
    }
    const r = readChunk(text, i, (chunk ??= newChunk()));
    const next = r < 0 ? -r - 1 : r;
    i = Math.max(next, i + 1);
    if (r < 0 || !boundaryAfter(text, chunk.end)) continue;
    classify(text, chunk, out);
  }
}
