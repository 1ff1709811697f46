/** @module Feature hashing of text into word uni/bigram and character 3–5-gram ids, with positions for windowing. */
import { encodeAscii } from './ascii.js';
import { TRIGGER_WORDS } from './decode.js';

export type HashedFeatures = {
  /** Character n-gram ids (already masked to the model dimension) in position order. */
  readonly ids: Int32Array;
  /** Position in the folded text of each feature, non-decreasing. */
  readonly pos: Int32Array;
  readonly count: number;
  /** Word uni/bigram ids, a separate block: normalised on its own so words weigh as much as characters. */
  readonly wordIds: Int32Array;
  readonly wordPos: Int32Array;
  readonly wordCount: number;
  /** The folded text (`length` code units valid), and its length. */
  readonly units: Uint16Array;
  readonly length: number;
  /** Folded-text offsets where a line or sentence ends (a newline, or . ! ? before whitespace), increasing. */
  readonly breaks: Int32Array;
  readonly breakCount: number;
  /** The text was ASCII: folding only lower-cased letters, zeroed digits and collapsed whitespace. */
  readonly ascii: boolean;
  /**
   * Folded-text offsets where a run of ASCII letters starts, and of every `[` and `<`: where a word or chat
   * markup opens (the injection rules look for their needles only there).
   */
  readonly starts: Int32Array;
  readonly startCount: number;
  /**
   * False only for ASCII text in which none of the decoders of `decodedViews` can find anything (no long
   * base64 or hex run, no %XX, &# or \\u escapes, spaced-out letters, leetspeak, rot13 or reversed attack word): a superset of
   * its hints, taken while hashing the words (with `decodeHints`), so a scanner can skip the decoding pass.
   * True for other text, and without `decodeHints`.
   */
  readonly mayDecode: boolean;
};

const FNV_PRIME = 16777619;
const SEED_CHAR = 0x811c9dc5;
const SEED_WORD = 0x9e3779b9;

/** Word hashes (before `mix`) of the rot13 and reversed words decode.ts looks for. */
const TRIGGER_HASHES = Int32Array.from(TRIGGER_WORDS, (w) => {
  let h = SEED_WORD;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h;
});
/**
 * Which low bytes those hashes have: most words are ruled out by one load. A Set lookup per word was a tenth of the
 * injection scanner's cost at 2 KB (most word hashes are outside the small-integer range, so each lookup boxed one).
 */
const TRIGGER_LOW = new Uint8Array(256);
for (const h of TRIGGER_HASHES) TRIGGER_LOW[h & 255] = 1;

function isTriggerHash(h: number): boolean {
  if (TRIGGER_LOW[h & 255] === 0) return false;
  for (let i = 0; i < TRIGGER_HASHES.length; i++) if (TRIGGER_HASHES[i] === h) return true;
  return false;
}
const SEED_BIGRAM = 0x85ebca6b;
const SEED_DATA = 0x27d4eb2f;

function mix(h: number, mask: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & mask;
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Classes of folded ASCII units for `mayDecode`: the decoder hints of decode.ts, on lower case and `0` for digits. */
const H_B64 = 1;
const H_HEX = 2;
const H_HEXSEP = 4;
/** Letters, digits, `@` and `$`: the units of a (leetspeak) word. */
const H_WORD = 8;
const H_LETTER = 16;
/** `.` and `-`: Morse symbols. */
const H_MORSE = 32;
const HINT_CLASS = Uint8Array.from({ length: 128 }, (_, c) => {
  const lower = c >= 97 && c <= 122;
  return (
    (lower || c === 48 || c === 43 || c === 47 || c === 95 || c === 45 ? H_B64 : 0) |
    ((c >= 97 && c <= 102) || c === 48 ? H_HEX : 0) |
    (c === 32 || c === 58 || c === 44 ? H_HEXSEP : 0) |
    (lower || c === 48 || c === 64 || c === 36 ? H_WORD : 0) |
    (lower ? H_LETTER : 0) |
    (c === 46 || c === 45 ? H_MORSE : 0)
  );
});

/** ASCII folded: lower case, digits to `0`. */
const FOLD = Uint16Array.from({ length: 128 }, (_, c) => (c >= 49 && c <= 57 ? 48 : c >= 65 && c <= 90 ? c | 0x20 : c));

/**
 * Folds text for hashing: lower case, every digit to `0` (numbers in tables and IDs are noise), whitespace
 * runs to one space. Returns code units and their count, and whether the text was ASCII.
 */
export function foldText(text: string, scratch?: HashScratch, knownAscii = false): { units: Uint16Array; length: number; breaks: Int32Array; breakCount: number; ascii: boolean } {
  // ASCII is lower-cased in the loop; anything else goes through `toLowerCase` first (one upper-case
  // letter can become two code units, so the folded text is built from the lower-cased string).
  // A regex test: irregexp scans a character class several times faster than a charCodeAt loop. Skipped when the
  // caller has just tested it (`knownAscii`: normalize.ts isPlainAscii).
  const ascii = knownAscii || !NON_ASCII.test(text);
  const lower = ascii ? text : text.toLowerCase();
  if (scratch !== undefined && scratch.units.length < lower.length + 1) {
    const cap = Math.max(lower.length + 1, 2 * scratch.units.length);
    scratch.units = new Uint16Array(cap);
    scratch.breaks = new Int32Array(cap);
  }
  const units = scratch?.units ?? new Uint16Array(lower.length);
  const breaks = scratch?.breaks ?? new Int32Array(lower.length + 1);
  if (ascii && scratch !== undefined) return foldAscii(text, scratch, units, breaks);
  let nb = 0;
  let n = 0;
  let prevSpace = true;
  const len = lower.length;
  for (let i = 0; i < len; i++) {
    let c = lower.charCodeAt(i);
    // Printable ASCII other than the space, the common case: one table load, no chain of range tests.
    if (c > 32 && c < 128) {
      units[n++] = FOLD[c] as number;
      prevSpace = false;
      continue;
    }
    if (c <= 32 || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000) {
      const last = n > 0 ? (units[n - 1] as number) : 0;
      // A break is recorded once per whitespace run, at the folded offset after the run's space.
      if (n > 0 && (c === 10 || c === 0x2028 || c === 0x2029 || last === 46 || last === 33 || last === 63)) {
        const at = prevSpace ? n : n + 1;
        if (nb === 0 || (breaks[nb - 1] as number) < at) breaks[nb++] = at;
      }
      if (prevSpace) continue;
      c = 32;
      prevSpace = true;
    } else {
      prevSpace = false;
      if (c >= 49 && c <= 57) c = 48;
      else if (c >= 65 && c <= 90) c |= 0x20;
    }
    units[n++] = c;
  }
  if (n > 0 && units[n - 1] === 32) n--;
  while (nb > 0 && (breaks[nb - 1] as number) >= n) nb--;
  return { units, length: n, breaks, breakCount: nb, ascii };
}

/**
 * `foldText` of ASCII text, read as bytes: one native copy (encodeAscii), then a loop over a typed array, whose reads
 * cost about half what `charCodeAt` does. The same units and breaks: ASCII has no other whitespace than units <= 32.
 */
function foldAscii(text: string, scratch: HashScratch, units: Uint16Array, breaks: Int32Array): { units: Uint16Array; length: number; breaks: Int32Array; breakCount: number; ascii: boolean } {
  const len = text.length;
  if (scratch.bytes.length < len) scratch.bytes = new Uint8Array(Math.max(len, 2 * scratch.bytes.length));
  const bytes = scratch.bytes;
  encodeAscii(text, bytes);
  const fold = FOLD;
  let nb = 0;
  let n = 0;
  let prevSpace = true;
  for (let i = 0; i < len; i++) {
    const c = bytes[i] as number;
    if (c > 32) {
      units[n++] = fold[c] as number;
      prevSpace = false;
      continue;
    }
    const last = n > 0 ? (units[n - 1] as number) : 0;
    if (n > 0 && (c === 10 || last === 46 || last === 33 || last === 63)) {
      const at = prevSpace ? n : n + 1;
      if (nb === 0 || (breaks[nb - 1] as number) < at) breaks[nb++] = at;
    }
    if (prevSpace) continue;
    prevSpace = true;
    units[n++] = 32;
  }
  if (n > 0 && units[n - 1] === 32) n--;
  while (nb > 0 && (breaks[nb - 1] as number) >= n) nb--;
  return { units, length: n, breaks, breakCount: nb, ascii: true };
}

/** Morse state of the `wordGrams` call running (it is synchronous): dots and dashes of the letter being read, letters in a row, last symbol's offset. */
const MORSE_STATE = new Int32Array(3);

/**
 * One Morse symbol (`.` or `-`) at `i`, looked at only there (they are rare in prose), out of line so the hot loop
 * stays small: a letter goes on, or, after a gap of spaces and slashes only, a new one starts and the last one
 * counts (the gap is read until its first other unit). True once five letters in a row are read: decode.ts's
 * MORSE_RUN needs six.
 */
function morseStep(units: Uint16Array, i: number, st: Int32Array): boolean {
  const end = st[2] as number;
  let hit = false;
  if (i === end + 1) st[0] = (st[0] as number) + 1;
  else {
    let j = end + 1;
    while (j < i && (units[j] === 32 || units[j] === 47)) j++;
    if (end >= 0 && j === i && (st[0] as number) <= 7) {
      st[1] = (st[1] as number) + 1;
      hit = (st[1] as number) >= 5;
    } else st[1] = 0;
    st[0] = 1;
  }
  st[2] = i;
  return hit;
}

/**
 * Word unigrams and bigrams of folded units, each at the position where its last word ends; and, in the
 * same loop, the offsets where a run of ASCII letters starts or a `[` or `<` stands (into `starts`), and
 * whether a decoder could find anything (`mayDecode`, tracked only when `track`, for ASCII text: else it
 * starts true and costs nothing). Returns the counts and that flag.
 */
function wordGrams(
  units: Uint16Array, n: number, mask: number, dataContext: boolean, wordIds: Int32Array, wordPos: Int32Array, starts: Int32Array, track: boolean,
): [number, number, boolean] {
  let kw = 0;
  let ns = 0;
  let wordHash = SEED_WORD;
  let inWord = false;
  let prevWord = 0;
  let hasPrev = false;
  // The hints of decode.ts's `scanHints` on folded units, tracked until one fires: runs of base64 and of
  // hex units, % signs, `&#` and `\\u`/`\\x`, one-letter words in a row, leetspeak words (a word with `@`
  // ended by `.` and a letter is an e-mail address), rot13 and reversed words, rows of Morse letters. Folding only widens them: a newline, which ends a hex
  // run there, is a space here; upper case is lower case, so every 16-unit run counts as base64.
  let mayDecode = !track;
  let b64 = 0;
  let hex = 0;
  let pct = 0;
  let esc = 0;
  let single = 0;
  let leet = 0;
  let wl = 0;
  let wLetters = 0;
  let wAt = false;
  const morse = MORSE_STATE;
  morse[0] = 0;
  morse[1] = 0;
  morse[2] = -2;
  for (let i = 0; i < n; i++) {
    let c = units[i] as number;
    if (c >= 97 && c <= 122) {
      // A run of letters (folded: lower case) at once: hashed unit by unit, its hint counts added once, no
      // per-unit class tests (letters are most units, and the per-unit tests were half this loop). The run is
      // maximal, so the unit before it is not a letter: it starts a word.
      starts[ns++] = i;
      if (!inWord) {
        inWord = true;
        wordHash = SEED_WORD;
      }
      const from = i;
      let h = wordHash;
      // The hex run as the per-unit test counts it: a-f continue it, the other letters end it.
      let hx = hex;
      let hexLong = false;
      for (;;) {
        h = Math.imul(h ^ c, FNV_PRIME);
        hx = (hx + 1) * (((102 - c) >>> 31) ^ 1);
        if (hx >= 24) hexLong = true;
        if (i + 1 >= n) break;
        const d = units[i + 1] as number;
        if (d < 97 || d > 122) break;
        c = d;
        i++;
      }
      wordHash = h;
      if (!mayDecode) {
        const len = i - from + 1;
        b64 += len;
        hex = hx;
        wl += len;
        wLetters += len;
        if (b64 >= 16 || hexLong) mayDecode = true;
      }
      if (i !== n - 1) continue;
      if (!mayDecode && isTriggerHash(wordHash)) mayDecode = true;
      kw = emitWord(wordIds, wordPos, kw, i, wordHash, prevWord, hasPrev, mask, dataContext);
      prevWord = wordHash;
      hasPrev = true;
      inWord = false;
      continue;
    }
    // Not a letter: a start only for chat markup.
    if (c === 0x5b || c === 0x3c) starts[ns++] = i;
    if (!mayDecode) {
      const k = HINT_CLASS[c] as number;
      if ((k & H_B64) !== 0) {
        if (++b64 >= 16) mayDecode = true;
      } else b64 = 0;
      if ((k & H_HEX) !== 0) {
        if (++hex >= 24) mayDecode = true;
      } else if ((k & H_HEXSEP) === 0) hex = 0;
      if (c === 37 && ++pct >= 3) mayDecode = true;
      if ((k & H_MORSE) !== 0 && morseStep(units, i, morse)) mayDecode = true;
      // `&#`, `\\u`, `\\x` (folded: `x` and `u` are lower case already).
      if ((c === 38 || c === 92) && i + 1 < n) {
        const next = units[i + 1] as number;
        if ((c === 38 ? next === 35 : next === 117 || next === 120) && ++esc >= 3) mayDecode = true;
      }
      if ((k & H_WORD) !== 0) {
        wl++;
        if (c === 64) wAt = true;
      } else if (wl > 0) {
        if (wl === 1 && wLetters === 1) {
          if (++single >= 5) mayDecode = true;
        } else single = 0;
        if (wLetters > 0 && wLetters < wl && wl >= 3) {
          const next = i + 1 < n ? (units[i + 1] as number) : 0;
          const email = wAt && c === 46 && next >= 97 && next <= 122;
          if (!email && ++leet >= 2) mayDecode = true;
        }
        wl = 0;
        wLetters = 0;
        wAt = false;
      }
    }
    // Word units: folded letters (above), the folded digit and anything from U+00C0 up.
    if (c === 48 || c >= 0xc0) {
      if (!inWord) {
        inWord = true;
        wordHash = SEED_WORD;
      }
      wordHash = Math.imul(wordHash ^ c, FNV_PRIME);
      if (i !== n - 1) continue;
    } else if (!inWord) continue;
    if (!mayDecode && isTriggerHash(wordHash)) mayDecode = true;
    kw = emitWord(wordIds, wordPos, kw, i, wordHash, prevWord, hasPrev, mask, dataContext);
    prevWord = wordHash;
    hasPrev = true;
    inWord = false;
  }
  // The end of the text ends the last word as a space would.
  if (!mayDecode && wl > 0) {
    if (wl === 1 && wLetters === 1 && single + 1 >= 5) mayDecode = true;
    if (wLetters > 0 && wLetters < wl && wl >= 3 && leet + 1 >= 2) mayDecode = true;
  }
  return [kw, ns, mayDecode];
}

/** A word's unigram and (after the first word) bigram at `at`, and again in the data namespace; returns the new count. */
function emitWord(ids: Int32Array, pos: Int32Array, kw: number, at: number, wordHash: number, prevWord: number, hasPrev: boolean, mask: number, dataContext: boolean): number {
  ids[kw] = mix(wordHash, mask);
  pos[kw++] = at;
  const bigram = Math.imul(prevWord ^ SEED_BIGRAM, FNV_PRIME) ^ wordHash;
  if (hasPrev) {
    ids[kw] = mix(bigram, mask);
    pos[kw++] = at;
  }
  if (dataContext) {
    // The same words again in a "this is data" namespace: a linear model can then weigh an
    // instruction differently inside a document than in a user's own request.
    ids[kw] = mix(wordHash ^ SEED_DATA, mask);
    pos[kw++] = at;
    if (hasPrev) {
      ids[kw] = mix(bigram ^ SEED_DATA, mask);
      pos[kw++] = at;
    }
  }
  return kw;
}

/**
 * Reusable arrays for `foldText` and `hashFeatures`, so a scanner does not allocate (and the collector does
 * not sweep) six arrays per text. One per scorer; the result of a call aliases it until the next call.
 */
export type HashScratch = {
  /** ASCII text as bytes (foldAscii). */
  bytes: Uint8Array;
  units: Uint16Array;
  breaks: Int32Array;
  ids: Int32Array;
  pos: Int32Array;
  wordIds: Int32Array;
  wordPos: Int32Array;
  starts: Int32Array;
};

export function createHashScratch(chars = 4096): HashScratch {
  const c = Math.max(1, Math.ceil(chars));
  return {
    bytes: new Uint8Array(c),
    units: new Uint16Array(c + 1),
    breaks: new Int32Array(c + 1),
    starts: new Int32Array(c + 1),
    ids: new Int32Array(c * 3 + 8),
    pos: new Int32Array(c * 3 + 8),
    wordIds: new Int32Array(2 * (c + 8)),
    wordPos: new Int32Array(2 * (c + 8)),
  };
}

/** Character n-gram orders as a bit set (bit n = n-grams of n characters); 3, 4 and 5 unless a model says otherwise. */
export const CHAR_ORDERS_345 = (1 << 3) | (1 << 4) | (1 << 5);
/** 3 and 5 only: the injection model's orders, with a loop of their own. */
const CHAR_ORDERS_35 = (1 << 3) | (1 << 5);

/**
 * Hashes folded text. Character n-grams (3, 4, 5 by default, else the orders in `orders`) start at every position; word unigrams and bigrams are
 * emitted at the position where their last word ends. `mask` is dimension - 1 (a power of two). With
 * `dataContext`, word features are emitted a second time in a separate namespace. With `scratch`, the
 * arrays are its own (grown when too small) and valid until its next use. With `decodeHints`, `mayDecode`
 * is worked out (a few µs per 2 KB) for a caller that would otherwise run `decodedViews` on the text. `knownAscii`:
 * the caller knows every unit is ASCII (see foldText).
 */
export function hashFeatures(
  text: string, mask: number, dataContext = false, scratch?: HashScratch, orders = CHAR_ORDERS_345, decodeHints = false, knownAscii = false,
): HashedFeatures {
  const { units, length: n, breaks, breakCount, ascii } = foldText(text, scratch, knownAscii);
  let per = 0;
  for (let b = orders; b !== 0; b >>>= 1) per += b & 1;
  per = Math.max(3, per);
  // At most a unigram and a bigram per word, and a word takes two units but the last.
  const wcap = (dataContext ? 2 : 1) * (n + 8);
  if (scratch !== undefined && scratch.ids.length < n * per + 8) {
    const cap = Math.max(n * per + 8, 2 * scratch.ids.length);
    scratch.ids = new Int32Array(cap);
    scratch.pos = new Int32Array(cap);
  }
  if (scratch !== undefined && scratch.wordIds.length < wcap) {
    scratch.wordIds = new Int32Array(wcap);
    scratch.wordPos = new Int32Array(wcap);
  }
  if (scratch !== undefined && scratch.starts.length < n + 1) scratch.starts = new Int32Array(Math.max(n + 1, 2 * scratch.starts.length));
  const ids = scratch?.ids ?? new Int32Array(n * per + 8);
  const pos = scratch?.pos ?? new Int32Array(n * per + 8);
  const wordIds = scratch?.wordIds ?? new Int32Array(wcap);
  const wordPos = scratch?.wordPos ?? new Int32Array(wcap);
  const starts = scratch?.starts ?? new Int32Array(n + 1);
  // Character and word features in two loops (each order set its own): fewer live values per loop, so
  // V8 keeps them in registers (folding and hashing in one loop measured slower).
  const count = orders === CHAR_ORDERS_35 ? charGrams35(units, n, mask, ids, pos) : charGrams(units, n, mask, orders, ids, pos);
  const [wordCount, startCount, mayDecode] = wordGrams(units, n, mask, dataContext, wordIds, wordPos, starts, ascii && decodeHints);
  return { ids, pos, count, wordIds, wordPos, wordCount, units, length: n, breaks, breakCount, ascii, starts, startCount, mayDecode };
}

/** Orders 3 and 5 (the injection model): the last four units ride in locals instead of being re-read. */
function charGrams35(units: Uint16Array, n: number, mask: number, ids: Int32Array, pos: Int32Array): number {
  // Int32 locals, not the module constants: a module binding is reloaded (and checked) on every use in the loop,
  // and SEED_CHAR does not fit a small integer, so it is a boxed number besides. Measured (same process, A/B): hashFeatures
  // took 28.9 or 34.1 µs on 2 KB depending on the process, 29.7 in every process with these locals.
  const seed = SEED_CHAR | 0;
  const prime = FNV_PRIME | 0;
  let k = 0;
  // Positions before `full` start a 5-gram; the last four start at most a 3-gram.
  const full = n - 4;
  if (full > 0) {
    let u1 = units[0] as number;
    let u2 = units[1] as number;
    let u3 = units[2] as number;
    let u4 = units[3] as number;
    for (let i = 0; i < full; i++) {
      const u0 = u1;
      u1 = u2;
      u2 = u3;
      u3 = u4;
      u4 = units[i + 4] as number;
      // `(h + j) | 0`: the same bits as h + j once mixed, but kept in int32 (an overflowing sum would make
      // V8 fall back to float arithmetic for the whole loop).
      let h = Math.imul(seed ^ u0, prime);
      h = Math.imul(h ^ u1, prime);
      h = Math.imul(h ^ u2, prime);
      ids[k] = mix((h + 2) | 0, mask);
      h = Math.imul(h ^ u3, prime);
      h = Math.imul(h ^ u4, prime);
      ids[k + 1] = mix((h + 4) | 0, mask);
      pos[k] = i;
      pos[k + 1] = i;
      k += 2;
    }
  }
  for (let i = Math.max(0, full); i + 3 <= n; i++) {
    let h = Math.imul(seed ^ (units[i] as number), prime);
    h = Math.imul(h ^ (units[i + 1] as number), prime);
    h = Math.imul(h ^ (units[i + 2] as number), prime);
    ids[k] = mix((h + 2) | 0, mask);
    pos[k++] = i;
  }
  return k;
}

/** Any other order set; 3, 4 and 5 unrolled. An n-gram of a given order gets the same id whatever the set. */
function charGrams(units: Uint16Array, n: number, mask: number, orders: number, ids: Int32Array, pos: Int32Array): number {
  const maxOrder = 31 - Math.clz32(orders);
  // One order only (a power of two): one id per position, no per-order test in the loop.
  const single = (orders & (orders - 1)) === 0 ? maxOrder : 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (single > 0) {
      if (i + single <= n) {
        let h = SEED_CHAR;
        for (let j = 0; j < single; j++) h = Math.imul(h ^ (units[i + j] as number), FNV_PRIME);
        ids[k] = mix((h + single - 1) | 0, mask);
        pos[k++] = i;
      }
    } else if (orders !== CHAR_ORDERS_345) {
      let h = SEED_CHAR;
      for (let j = 0; j < maxOrder && i + j < n; j++) {
        h = Math.imul(h ^ (units[i + j] as number), FNV_PRIME);
        if ((orders >>> (j + 1)) & 1) {
          ids[k] = mix((h + j) | 0, mask);
          pos[k++] = i;
        }
      }
    } else if (i + 5 <= n) {
      let h = Math.imul(SEED_CHAR ^ (units[i] as number), FNV_PRIME);
      h = Math.imul(h ^ (units[i + 1] as number), FNV_PRIME);
      h = Math.imul(h ^ (units[i + 2] as number), FNV_PRIME);
      ids[k] = mix((h + 2) | 0, mask);
      h = Math.imul(h ^ (units[i + 3] as number), FNV_PRIME);
      ids[k + 1] = mix((h + 3) | 0, mask);
      h = Math.imul(h ^ (units[i + 4] as number), FNV_PRIME);
      ids[k + 2] = mix((h + 4) | 0, mask);
      pos[k] = i;
      pos[k + 1] = i;
      pos[k + 2] = i;
      k += 3;
    } else {
      let h = SEED_CHAR;
      for (let j = 0; j < n - i; j++) {
        h = Math.imul(h ^ (units[i + j] as number), FNV_PRIME);
        if (j >= 2) {
          ids[k] = mix((h + j) | 0, mask);
          pos[k++] = i;
        }
      }
    }
  }
  return k;
}
