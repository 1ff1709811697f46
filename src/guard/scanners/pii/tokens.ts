/** @module Single-pass tokeniser for the tagger: alphanumeric runs and single symbols, hashed features, no substrings. */
import { encodeAscii } from '../../text/ascii.js';
import { isWordUnit } from './chars.js';

/** Word shapes; punctuation tokens use PUNCT_BASE + their code unit so the model sees which symbol it is. */
export const SHAPE = { lower: 1, cap: 2, upper: 3, letter: 4, mixed: 5, alnum: 6, digit: 7 } as const;
export const PUNCT_BASE = 256;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** One entry per token, in text order. */
type TokenArrays = {
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Hash of the lower-cased token. */
  readonly word: Int32Array;
  /** Hash of the last three lower-cased units. */
  readonly suffix: Int32Array;
  /** SHAPE value (digits: SHAPE.digit * 16 + length up to 15) or PUNCT_BASE + code unit. */
  readonly shape: Int32Array;
  /** 1 when a line break separates this token from the previous one. */
  readonly newline: Uint8Array;
};

export type Tokens = TokenArrays & { readonly count: number };

/**
 * Lower-case mapping by block arithmetic for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other scripts
 * are left as they are. A per-character toLowerCase() would allocate and make 4 MiB inputs slow.
 */
function lowerUnit(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 32;
  if (c >= 0x100 && c <= 0x17f) return c % 2 === 0 && c !== 0x130 && c !== 0x138 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3a9) return c + 32;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

/** Arrays `tokenizeInto` fills; reusable across calls (one per detector) so a scan allocates no token arrays. */
export type TokenBuffer = TokenArrays & { readonly capacity: number };

export function tokenBuffer(capacity: number): TokenBuffer {
  const c = Math.max(1, capacity);
  return {
    capacity: c,
    start: new Int32Array(c),
    end: new Int32Array(c),
    word: new Int32Array(c),
    suffix: new Int32Array(c),
    shape: new Int32Array(c),
    newline: new Uint8Array(c + 1),
  };
}

/** Tokenises text[from, to) into fresh arrays: what training keeps per row. */
export function tokenize(text: string, from: number, to: number): Tokens {
  return tokenizeInto(text, from, to, tokenBuffer(to - from));
}

/**
 * Tokenises text[from, to) into `buf` (capacity at least `to - from`; a token is at least one unit). Entries past
 * `count` are stale except `newline[count]`, which is set as fresh arrays would read it: the features of the last
 * token look one past it.
 */
/** A word's shape class from its counts (SHAPE): digits with their length, mixed, one letter, case pattern. */
function wordShape(len: number, digits: number, uppers: number, lowers: number, firstUpper: boolean): number {
  if (digits === len) return SHAPE.digit * 16 + Math.min(15, len);
  if (digits > 0) return SHAPE.alnum;
  if (len === 1) return uppers === 1 ? SHAPE.letter : SHAPE.lower;
  if (uppers === 0) return SHAPE.lower;
  if (lowers === 0) return SHAPE.upper;
  if (firstUpper && uppers === 1) return SHAPE.cap;
  return SHAPE.mixed;
}

/** FNV-1a of a word's last three lower-cased units. */
function suffixHash(s1: number, s2: number, s3: number): number {
  let hs = FNV_OFFSET;
  hs = Math.imul(hs ^ s1, FNV_PRIME);
  hs = Math.imul(hs ^ s2, FNV_PRIME);
  return Math.imul(hs ^ s3, FNV_PRIME);
}

export function tokenizeInto(text: string, from: number, to: number, buf: TokenBuffer): Tokens {
  if (to - from > buf.capacity) throw new RangeError('token buffer too small');
  const { start, end, word, suffix, shape, newline } = buf;
  let count = 0;
  let sawNewline = 1;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      sawNewline = 1;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 0xa0 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const s = i;
    let h = FNV_OFFSET;
    if (isWordUnit(c)) {
      let uppers = 0;
      let lowers = 0;
      let digits = 0;
      let firstUpper = false;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      while (i < to) {
        const u = text.charCodeAt(i);
        let l = u;
        if (u < 128) {
          // ASCII inline: most tokens are, and the general tests below cost several calls per character.
          if (u >= 97 && u <= 122) lowers++;
          else if (u >= 65 && u <= 90) {
            l = u + 32;
            uppers++;
            if (i === s) firstUpper = true;
          } else if (u >= 48 && u <= 57) digits++;
          else break;
        } else {
          if (!isWordUnit(u)) break;
          l = lowerUnit(u);
          if (l !== u) {
            uppers++;
            if (i === s) firstUpper = true;
          } else lowers++;
        }
        h = Math.imul(h ^ l, FNV_PRIME);
        s1 = s2;
        s2 = s3;
        s3 = l;
        i++;
      }
      shape[count] = wordShape(i - s, digits, uppers, lowers, firstUpper);
      suffix[count] = suffixHash(s1, s2, s3);
    } else {
      // A surrogate pair is one symbol token.
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < to ? 2 : 1;
      h = Math.imul(h ^ c, FNV_PRIME);
      shape[count] = PUNCT_BASE + (c < 128 ? c : 127);
      suffix[count] = h;
    }
    start[count] = s;
    end[count] = i;
    word[count] = h;
    newline[count] = sawNewline;
    sawNewline = 0;
    count++;
  }
  // A fresh array of `max(1, to - from)` entries reads 0 past the last token, or undefined (taken as 1) when full.
  newline[count] = count < Math.max(1, to - from) ? 0 : 1;
  return { count, start, end, word, suffix, shape, newline };
}

/**
 * `tokenizeInto` for a stretch of ASCII text given as bytes: `bytes[k]` is `text.charCodeAt(from + k)` for
 * text[from, to), all below 128. Same tokens; typed-array reads cost half what `charCodeAt` does (see
 * `tokenizeText`), and this loop is a sixth of a 2 KB scan.
 */
export function tokenizeAsciiInto(bytes: Uint8Array, from: number, to: number, buf: TokenBuffer): Tokens {
  if (to - from > buf.capacity) throw new RangeError('token buffer too small');
  const { start, end, word, suffix, shape, newline } = buf;
  const n = to - from;
  let count = 0;
  let sawNewline = 1;
  let i = 0;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === 10 || c === 13) {
      sawNewline = 1;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const s = i;
    let h = FNV_OFFSET;
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
      let uppers = 0;
      let lowers = 0;
      let digits = 0;
      let firstUpper = false;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      while (i < n) {
        const u = bytes[i] as number;
        let l = u;
        if (u >= 97 && u <= 122) lowers++;
        else if (u >= 65 && u <= 90) {
          l = u + 32;
          uppers++;
          if (i === s) firstUpper = true;
        } else if (u >= 48 && u <= 57) digits++;
        else break;
        h = Math.imul(h ^ l, FNV_PRIME);
        s1 = s2;
        s2 = s3;
        s3 = l;
        i++;
      }
      shape[count] = wordShape(i - s, digits, uppers, lowers, firstUpper);
      suffix[count] = suffixHash(s1, s2, s3);
    } else {
      i++;
      h = Math.imul(h ^ c, FNV_PRIME);
      shape[count] = PUNCT_BASE + c;
      suffix[count] = h;
    }
    start[count] = from + s;
    end[count] = from + i;
    word[count] = h;
    newline[count] = sawNewline;
    sawNewline = 0;
    count++;
  }
  newline[count] = count < Math.max(1, n) ? 0 : 1;
  return { count, start, end, word, suffix, shape, newline };
}

/** Room for a segment's bytes (`tokenizeText`), and whether the last segment tokenised was ASCII. */
export type AsciiScratch = { readonly bytes: Uint8Array; ascii: boolean };

export function asciiScratch(capacity: number): AsciiScratch {
  return { bytes: new Uint8Array(Math.max(1, capacity)), ascii: false };
}

/**
 * `tokenizeInto`, through `tokenizeAsciiInto` when text[from, to) is ASCII (most prompts): encodeAscii copies the
 * segment to bytes, read as a typed array, and tells whether it was ASCII.
 */
export function tokenizeText(text: string, from: number, to: number, buf: TokenBuffer, a: AsciiScratch): Tokens {
  a.ascii = to - from <= a.bytes.length && encodeAscii(from === 0 && to === text.length ? text : text.slice(from, to), a.bytes);
  return a.ascii ? tokenizeAsciiInto(a.bytes, from, to, buf) : tokenizeInto(text, from, to, buf);
}

/** FNV hash of a lower-case ASCII word, as `tokenize` computes it; for context-word tests. */
export function wordHash(w: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h | 0;
}
