/**
 * @module One pass over an ASCII text's bytes that tells which recognisers can match, so that most of them skip
 * ordinary prose: the longest run of key characters, the cues some recognisers search for, and the stem positions
 * of findAssignments.
 */
import { checkDeadline, type DeadlineClock } from '../../types.js';
import { asciiStemAt, type StemHits } from './assignments.js';

/** Some `-----BEGIN ` (findPrivateKeys). */
export const CUE_PEM = 1;
/** Some `bearer ` or `basic ` in any case, or `://` (findHeaderAndUrlCredentials). */
export const CUE_HEADER = 2;
/** Some `identified by ` or `identified with <plugin> by ` in any case (findSqlPasswords). */
export const CUE_SQL = 4;

export type Prepass = StemHits & {
  /**
   * The longest run of key characters (letters, digits and `+/=-_.~`, see RUN_CHAR) when it is 16 to 24 long; at
   * least 24 when there is a longer one; below 16 when there is none of 16. Every token, quoted value and cue that
   * the run-gated recognisers look for is such a run, so a text whose longest run is shorter than theirs holds none.
   */
  readonly longestRun: number;
  /**
   * The most consecutive aligned 4-byte words without a byte below '+' (every key character is '+' or above): a run
   * of L key characters needs floor((L - 3) / 4) of them, 15 for a key body's 64-character line.
   */
  readonly cleanWords: number;
  /** CUE_* bits: a cue that may be present (a bit is set for every cue present, and rarely for one that is not). */
  readonly cues: number;
};

/** 1 for the key characters: `isOpaqueChar` of opaque.ts, a superset of known.ts's token characters and '=', and of base64. */
const RUN_CHAR = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alnum || c === 43 || c === 47 || c === 61 || c === 45 || c === 95 || c === 46 || c === 126) t[c] = 1;
  }
  return t;
})();

/** Runs are measured exactly up to this length: no gate needs more (see longestRun). */
const RUN_CAP = 24;

const PAIR_STEM = 1;
const PAIR_DASHES = 2;
const PAIR_HEADER = 4;
const PAIR_URL = 8;
const PAIR_SQL = 16;

/**
 * Bits by the low five bits of two consecutive bytes (`b & 31` folds ASCII case; digits and punctuation alias letters,
 * which only costs an exact test more): the two bytes a stem or cue starts with. No pair starts or ends with a 0 (a
 * space, '@', '`' or the zero bytes around the text). (A table of three bytes, 32 KB, skipped more exact tests but
 * was no faster.)
 */
const PAIRS = (() => {
  const t = new Uint8Array(1024);
  const set = (pair: string, bit: number): void => {
    const i = ((pair.charCodeAt(0) & 31) << 5) | (pair.charCodeAt(1) & 31);
    t[i] = (t[i] as number) | bit;
  };
  for (const p of ['pa', 'pw', 'se', 'to', 'ke', 'ap', 'au', 'cr']) set(p, PAIR_STEM);
  set('--', PAIR_DASHES);
  set('be', PAIR_HEADER);
  set('ba', PAIR_HEADER);
  set(':/', PAIR_URL);
  set('by', PAIR_SQL);
  return t;
})();

/** Whether the 4-byte words are read least significant byte first, as the pass below assumes. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether `bytes` at `p` hold `word` (lower case) in any case. */
function foldedAt(bytes: Uint8Array, p: number, word: string): boolean {
  if (p < 0) return false;
  for (let k = 0; k < word.length; k++) {
    const b = bytes[p + k] as number;
    const c = b >= 65 && b <= 90 ? b + 32 : b;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** A plugin name's characters (`mysql_native_password`, quoted or not). */
function isPluginByte(b: number): boolean {
  return (b >= 48 && b <= 57) || ((b | 32) >= 97 && (b | 32) <= 122) || b === 95 || b === 45 || b === 46 || b === 39 || b === 34 || b === 96;
}

/**
 * Whether the `by` at `q` is MySQL's `identified with <plugin> by `: a word of its own, after a plugin name (walked
 * back over, at most 64 bytes: a word of prose costs a few reads) and `identified with `. No pair of its own: `wi`
 * made the pass a third slower on prose.
 */
function afterPlugin(bytes: Uint8Array, q: number): boolean {
  if (bytes[q - 1] !== 32 || bytes[q + 2] !== 32) return false;
  const k = q - 1;
  let j = k;
  while (j > 0 && k - j < 64 && isPluginByte(bytes[j - 1] as number)) j--;
  return j < k && foldedAt(bytes, j - 16, 'identified with ');
}

/**
 * The longest run of key characters from `from` to the first byte below '+' at or after `to` (runs cross no such
 * byte), or RUN_CAP once one is that long.
 */
function longestFrom(bytes: Uint8Array, from: number, to: number, n: number): number {
  let run = 0;
  let longest = 0;
  for (let p = Math.max(0, from); p < n; p++) {
    const b = bytes[p] as number;
    if (RUN_CHAR[b] === 1) {
      if (++run > longest && (longest = run) >= RUN_CAP) break;
    } else {
      run = 0;
      if (b < 43 && p >= to) break;
    }
  }
  return longest;
}

/** Words passed between two clock reads (64 KiB, a few tenths of a millisecond). */
const CHUNK = 1 << 14;
/** Stem positions kept between scans up to this many; more get their own array for the one scan. */
const KEEP_STEMS = 1 << 12;
let keptStems = new Int32Array(64);

/** The result object, reused: valid until the next call (scans are synchronous). */
const result: { at: Int32Array; count: number; longestRun: number; cleanWords: number; cues: number } = { at: keptStems, count: 0, longestRun: 0, cleanWords: 0, cues: 0 };

/** Records a stem at `q` in `result`. */
function addStem(q: number): void {
  let at = result.at;
  if (result.count === at.length) {
    const grown = new Int32Array(at.length * 2);
    grown.set(at);
    at = grown;
    result.at = grown;
    if (grown.length <= KEEP_STEMS) keptStems = grown;
  }
  at[result.count++] = q;
}

/** The byte-exact tests for a pair at `q` whose PAIRS bits are `pair`: records a stem, returns the cues found. */
function pairAt(bytes: Uint8Array, q: number, pair: number): number {
  let cues = 0;
  if ((pair & PAIR_STEM) !== 0 && asciiStemAt(bytes, q)) addStem(q);
  if ((pair & PAIR_DASHES) !== 0 && bytes[q] === 45 && bytes[q + 1] === 45) cues |= CUE_PEM;
  if ((pair & PAIR_HEADER) !== 0 && (foldedAt(bytes, q, 'bearer ') || foldedAt(bytes, q, 'basic '))) cues |= CUE_HEADER;
  if ((pair & PAIR_URL) !== 0 && bytes[q] === 58 && bytes[q + 1] === 47 && bytes[q + 2] === 47) cues |= CUE_HEADER;
  if ((pair & PAIR_SQL) !== 0 && (foldedAt(bytes, q - 11, 'identified by ') || afterPlugin(bytes, q))) cues |= CUE_SQL;
  return cues;
}

/**
 * `bytes[0 .. n)`: the ASCII text, followed by at least 8 zero bytes (the tests below read past a position);
 * `words`: the same memory as 4-byte words, little-endian (see LITTLE_ENDIAN). Each word's four byte pairs (with
 * the byte before it) are looked up at once, and a byte-exact test runs only where a pair is a stem's or a cue's
 * start; runs are counted in words, and measured byte by byte only across 3 or more words without a byte below
 * '+'. `dl` is read between chunks of CHUNK words.
 */
export function prepass(bytes: Uint8Array, words: Uint32Array, n: number, dl: DeadlineClock | undefined): Prepass {
  const P = PAIRS;
  result.at = keptStems;
  result.count = 0;
  let cues = 0;
  let longest = 0;
  let clean = 0;
  let cleanMost = 0;
  // The code of the byte before the current word.
  let prev = 0;
  const nw = (n + 3) >>> 2;
  for (let start = 0; start < nw; start += CHUNK) {
    if (start !== 0 && dl !== undefined) checkDeadline(dl);
    const end = Math.min(nw, start + CHUNK);
    for (let i = start; i < end; i++) {
      const x = words[i] as number;
      const c0 = x & 31;
      const c1 = (x >>> 8) & 31;
      const c2 = (x >>> 16) & 31;
      const c3 = (x >>> 24) & 31;
      const p0 = P[(prev << 5) | c0] as number;
      const p1 = P[(c0 << 5) | c1] as number;
      const p2 = P[(c1 << 5) | c2] as number;
      const p3 = P[(c2 << 5) | c3] as number;
      prev = c3;
      // Bytes below '+' in x (the classic "has a byte less than" test; ASCII bytes only): no run crosses one. Without
      // branches: prose has one in most words, but not in all.
      const low = (x - 0x2b2b2b2b) & ~x & 0x80808080;
      clean = (clean + 1) & ~((low | -low) >> 31);
      cleanMost = clean > cleanMost ? clean : cleanMost;
      // A run of 16+ covers 3 such clean words and starts at most 3 bytes before them: measured once per streak.
      if (clean === 3 && longest < RUN_CAP) longest = Math.max(longest, longestFrom(bytes, 4 * i - 11, 4 * i + 4, n));
      if ((p0 | p1 | p2 | p3) === 0) continue;
      const q = 4 * i - 1;
      if (p0 !== 0) cues |= pairAt(bytes, q, p0);
      if (p1 !== 0) cues |= pairAt(bytes, q + 1, p1);
      if (p2 !== 0) cues |= pairAt(bytes, q + 2, p2);
      if (p3 !== 0) cues |= pairAt(bytes, q + 3, p3);
    }
  }
  result.longestRun = longest;
  result.cleanWords = cleanMost;
  result.cues = cues;
  return result;
}
