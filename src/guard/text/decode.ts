/**
 * @module Decoded views of obfuscated text: base64, base32, hex, URL-encoding, HTML entities and \\u/\\x escapes,
 * rot13, Morse code, reversed text, leetspeak and spaced-out letters, bounded depth.
 */
import { checkDeadline, type DeadlineClock } from '../deadline.js';

export type DecodeLimits = {
  /** How many rounds of decoding (base64 inside URL-encoding inside ... ). */
  readonly maxDepth: number;
  /** Total decoded characters across all views; bounds the work an attacker can cause. */
  readonly maxChars: number;
  readonly maxViews: number;
};

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxDepth: 3, maxChars: 64 * 1024, maxViews: 8 };

// Each pattern is a single character class under one quantifier: linear time on any input.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_RUN = /(?<![0-9a-zA-Z])(?:[0-9a-fA-F]{2}[\s:,]?){12,}/g;
const PCT_SEQ = /(?:%[0-9a-fA-F]{2})+/g;
const PCT_HINT = /%[0-9a-fA-F]{2}/g;
const SPACED = /(?:\b[a-zA-Z][ ._*-]){5,}[a-zA-Z]\b/g;
/**
 * Six or more Morse letters of one to seven dots and dashes, apart by spaces, newlines or `/`. Symbols and
 * separators are disjoint classes, so a run splits one way only: a failed start costs at most seven steps, and
 * a run of six or more letters always matches (no trailing test to make it give back), so the scan is linear.
 */
const MORSE_RUN = /(?<![.\-\w])(?:[.-]{1,7}[ \t\r\n/]+){5,}[.-]{1,7}/g;
/** Upper-case base32 (RFC 4648), as a base64-looking run may be: its alphabet is a subset of base64's. */
const BASE32_RUN = /^[A-Z2-7]{16,}=*$/;
// rot13 of words that carry most attacks: ignore, instructions, previous, system, prompt, disregard, jailbreak,
// pretend, run. A whole ASCII word (a maximal run of [A-Za-z0-9_]) must equal one, in any case.
const ROT13_WORDS: readonly string[] = ['vtaber', 'vafgehpgvba', 'vafgehpgvbaf', 'cerivbhf', 'flfgrz', 'cebzcg', 'qvfertneq', 'wnvyoernx', 'cergraq', 'eha'];
// The same kind of words written backwards (ignore, instruction(s), previous, system, prompt, disregard,
// jailbreak, secret, reveal, password): a text that has one is also read reversed.
const REVERSED_WORDS: readonly string[] = ['erongi', 'noitcurtsni', 'snoitcurtsni', 'suoiverp', 'metsys', 'tpmorp', 'dragersid', 'kaerbliaj', 'terces', 'laever', 'drowssap'];
/** Both lists: the words whose presence makes a decoder worth running (hashed-features.ts tracks them too). */
export const TRIGGER_WORDS: readonly string[] = [...ROT13_WORDS, ...REVERSED_WORDS];
/** Which (first letter, length) pairs a trigger word has, so most words are rejected with one lookup. */
const TRIGGER_SHAPE = new Uint8Array(26 * 16);
for (const w of TRIGGER_WORDS) TRIGGER_SHAPE[(w.charCodeAt(0) - 97) * 16 + w.length] = 1;

/** 1 for a rot13 word, 2 for a reversed one, 0 for neither. */
function triggerWord(text: string, start: number, len: number): number {
  for (let k = 0; k < TRIGGER_WORDS.length; k++) {
    const w = TRIGGER_WORDS[k] as string;
    if (w.length !== len) continue;
    let j = 0;
    while (j < len && (text.charCodeAt(start + j) | 0x20) === w.charCodeAt(j)) j++;
    if (j === len) return k < ROT13_WORDS.length ? 1 : 2;
  }
  return 0;
}

/** HTML numeric entities and \\u / \\x escapes; alternatives of bounded length, linear on any input. */
const ESCAPE = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?|\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g;

function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (m, hx?: string, dec?: string, ub?: string, u4?: string, x2?: string) => {
    const hex = hx ?? ub ?? u4 ?? x2;
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec ?? '', 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Code points in reverse order (a reversed surrogate pair stays one character). */
function reversed(text: string): string {
  return Array.from(text).reverse().join('');
}

/**
 * Letters spelled out one at a time ("i.g.n.o.r.e a.l.l"): the separator used most inside the run joins the
 * letters, any other separates words. With one separator throughout ("i g n o r e"), the run is one word.
 */
function unspace(run: string): string {
  const counts = new Map<string, number>();
  for (const m of run.matchAll(/[ ._*-]/g)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  let sep = ' ';
  let best = 0;
  for (const [c, k] of counts) if (k > best) [sep, best] = [c, k];
  return run.replace(/[ ._*-]/g, (c) => (c === sep ? '' : ' '));
}
// One character class under one bounded quantifier; whether a token mixes letters and digits is checked in code.
const LEET_TOKEN = /(?<![a-z0-9@$])[a-z0-9@$]{3,24}(?![a-z0-9@$])/gi;
const HAS_LETTER = /[a-z]/i;
const HAS_LEET = /[013457@$]/;

function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0xa0) ok++;
  }
  return ok / s.length;
}

function bytesToText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return '';
  }
}

function decodeBase64(run: string): string {
  let s = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (s.length % 4 === 1) return '';
  while (s.length % 4 !== 0) s += '=';
  try {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytesToText(bytes);
  } catch {
    return '';
  }
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeBase32(run: string): string {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < run.length; i++) {
    const v = BASE32_ALPHABET.indexOf(run.charAt(i));
    if (v < 0) break;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return bytesToText(Uint8Array.from(bytes));
}

/** A base64-looking run that is upper-case base32 of text is read as base32, else as base64. */
function decodeBase32Or64(run: string): string {
  if (BASE32_RUN.test(run)) {
    const t = decodeBase32(run);
    if (looksLikeText(t)) return t;
  }
  return decodeBase64(run);
}

/** International Morse: letters and digits. */
const MORSE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    a: '.-', b: '-...', c: '-.-.', d: '-..', e: '.', f: '..-.', g: '--.', h: '....', i: '..', j: '.---', k: '-.-', l: '.-..', m: '--',
    n: '-.', o: '---', p: '.--.', q: '--.-', r: '.-.', s: '...', t: '-', u: '..-', v: '...-', w: '.--', x: '-..-', y: '-.--', z: '--..',
    '0': '-----', '1': '.----', '2': '..---', '3': '...--', '4': '....-', '5': '.....', '6': '-....', '7': '--...', '8': '---..', '9': '----.',
  }).map(([ch, code]) => [code, ch]),
);

/**
 * A Morse run as text: letters apart by one space, words by `/`, a newline or a wider gap. Empty unless it has
 * both dots and dashes (a row of dots is an ellipsis) and nearly every letter is a Morse letter.
 */
function decodeMorse(run: string): string {
  if (run.indexOf('.') < 0 || run.indexOf('-') < 0) return '';
  let out = '';
  let bad = 0;
  let letters = 0;
  for (const word of run.split(/\s*\/\s*|[ \t]*[\r\n]+[ \t]*|[ \t]{2,}/)) {
    if (word.length === 0) continue;
    if (out.length > 0) out += ' ';
    for (const code of word.split(/[ \t]+/)) {
      if (code.length === 0) continue;
      letters++;
      const ch = MORSE.get(code);
      if (ch === undefined) bad++;
      out += ch ?? '?';
    }
  }
  return bad * 10 <= letters ? out : '';
}

function decodeHex(run: string): string {
  const h = run.replace(/[\s:,]/g, '');
  const bytes = new Uint8Array(h.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return bytesToText(bytes);
}

/** URL-decodes every %XX run in place (runs that are not valid UTF-8 stay as they are). */
function decodePct(text: string): string {
  return text.replace(PCT_SEQ, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function countAtLeast(text: string, re: RegExp, n: number): boolean {
  let k = 0;
  for (const _ of text.matchAll(re)) if (++k >= n) return true;
  return false;
}

export function rot13(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) out += String.fromCharCode(((c - 65 + 13) % 26) + 65);
    else if (c >= 97 && c <= 122) out += String.fromCharCode(((c - 97 + 13) % 26) + 97);
    else out += s[i];
  }
  return out;
}

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's' };

/**
 * `w` found at `at` in `text` is leetspeak: letters mixed with look-alike digits or symbols, and neither a
 * number with a unit nor the local part and host of an e-mail address ("jane@example" before ".com"):
 * two addresses in a prompt used to produce a "decoded" copy of the whole text that doubled its cost.
 */
function isLeetToken(w: string, text: string, at: number): boolean {
  if (!HAS_LETTER.test(w) || !HAS_LEET.test(w) || /^[0-9]+(?:st|nd|rd|th|k|m|km|kg|g|mb|gb|px|s|ms|h|am|pm)$/i.test(w)) return false;
  const end = at + w.length;
  return !(w.includes('@') && text.charCodeAt(end) === 0x2e && /[a-z]/i.test(text.charAt(end + 1)));
}

function deleet(s: string): string {
  return s.replace(LEET_TOKEN, (w, at: number) => (isLeetToken(w, s, at) ? w.replace(/[0-9@$]/g, (d) => LEET[d] ?? d) : w));
}

/** Plain English words decoded from noise: a decoded run must look like text, not like random bytes. */
function looksLikeText(s: string): boolean {
  if (s.length < 6 || printableRatio(s) < 0.95) return false;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) letters++;
    else if (c === 0x20) spaces++;
  }
  return letters / s.length > 0.5 && spaces > 0;
}

type Hints = { base64: boolean; hex: boolean; pct: boolean; spaced: boolean; leet: boolean; rot13: boolean; reversed: boolean; escapes: boolean; morse: boolean };

const C_B64 = 1;
/** Digit, upper case, `+` or `/`: a base64 run needs two of these to be more than a long word. */
const C_MIXED = 2;
const C_HEX = 4;
/** Letters, digits, `@` and `$`: the units of a (leetspeak) word. */
const C_WORD = 8;
const C_LETTER = 16;
const C_AT = 32;
/** Space, `:` and `,`: separators inside a hex dump. */
const C_HEXSEP = 64;
const C_DIGIT = 128;
/** A regex word character, [A-Za-z0-9_]. */
const C_W = 256;
/** A lower-case ASCII letter: most of prose, given a fast path in `scanHints`. */
const C_LOWER = 512;
/** Class bits per ASCII code unit, so the hint pass costs a table load per character, not a chain of tests. */
const HINT_CLASS = Uint16Array.from({ length: 128 }, (_, c) => {
  const lower = c >= 97 && c <= 122;
  const upper = c >= 65 && c <= 90;
  const digit = c >= 48 && c <= 57;
  let k = 0;
  if (lower || upper || digit || c === 43 || c === 47 || c === 95 || c === 45) k |= C_B64;
  if (digit || upper || c === 43 || c === 47) k |= C_MIXED;
  if (digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) k |= C_HEX;
  if (lower || upper || digit || c === 64 || c === 36) k |= C_WORD;
  if (lower || upper) k |= C_LETTER;
  if (c === 64) k |= C_AT;
  if (c === 32 || c === 58 || c === 44) k |= C_HEXSEP;
  if (digit) k |= C_DIGIT;
  if (lower || upper || digit || c === 95) k |= C_W;
  if (lower) k |= C_LOWER;
  return k;
});

/**
 * One pass over the code units deciding which decoders can possibly apply, so ordinary prose (the hot
 * path) pays for a loop instead of six regex scans. `hashFeatures` tracks a superset of these hints on
 * folded ASCII text (`mayDecode`), so a scanner that hashes anyway can skip this pass: keep the two in
 * step (text.test.ts checks that every ASCII text with a decoded view has `mayDecode`).
 */
function scanHints(text: string): Hints {
  let run = 0;
  let runMixed = 0;
  let hexRun = 0;
  let pct = 0;
  let single = 0;
  let wordLen = 0;
  let wordDigits = 0;
  let wordLetters = 0;
  let wordAt = 0;
  let leetWords = 0;
  let wStart = 0;
  let esc = 0;
  // Morse: dots and dashes in the letter being read, and letters read in a row (see MORSE_RUN). Lower-case
  // letters, on the fast path, do not end the row: a superset of the runs, which is all a hint must be.
  let morseSyms = 0;
  let morseLetters = 0;
  const h: Hints = { base64: false, hex: false, pct: false, spaced: false, leet: false, rot13: false, reversed: false, escapes: false, morse: false };
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const k = c < 128 ? (HINT_CLASS[c] as number) : 0;
    if ((k & C_LOWER) !== 0) {
      // What the general path below does for a lower-case letter (inside a word, a base64 unit that is not
      // "mixed", hex only for a-f), without its other tests: about twice as fast on prose.
      if (++run >= 16 && runMixed >= 2) h.base64 = true;
      if ((k & C_HEX) !== 0) {
        if (++hexRun >= 24) h.hex = true;
      } else hexRun = 0;
      wordLen++;
      wordLetters++;
      continue;
    }
    if ((k & C_W) === 0) {
      const len = i - wStart;
      if (len >= 3 && len < 16) {
        const f = (text.charCodeAt(wStart) | 0x20) - 97;
        if (f >= 0 && f < 26 && TRIGGER_SHAPE[f * 16 + len] === 1) {
          const t = triggerWord(text, wStart, len);
          if (t === 1) h.rot13 = true;
          else if (t === 2) h.reversed = true;
        }
      }
      wStart = i + 1;
    }
    if ((k & C_B64) !== 0) {
      run++;
      if ((k & C_MIXED) !== 0) runMixed++;
      if (run >= 16 && runMixed >= 2) h.base64 = true;
    } else {
      run = 0;
      runMixed = 0;
    }
    if ((k & C_HEX) !== 0) {
      if (++hexRun >= 24) h.hex = true;
    } else if ((k & C_HEXSEP) === 0) hexRun = 0;
    if (c === 37 && ++pct >= 3) h.pct = true;
    if (c === 46 || c === 45) morseSyms++;
    else if (c === 32 || c === 47 || c === 10 || c === 9 || c === 13) {
      if (morseSyms > 0) {
        if (morseSyms > 7) morseLetters = 0;
        else if (++morseLetters >= 5) h.morse = true;
        morseSyms = 0;
      }
    } else {
      morseSyms = 0;
      morseLetters = 0;
    }
    // `&#` of an HTML entity, `\\u` or `\\x` of an escape.
    if (c === 38 ? text.charCodeAt(i + 1) === 35 : c === 92 && (text.charCodeAt(i + 1) | 0x20) === 117) {
      if (++esc >= 3) h.escapes = true;
    } else if (c === 92 && (text.charCodeAt(i + 1) | 0x20) === 120 && ++esc >= 3) h.escapes = true;
    if ((k & C_WORD) !== 0) {
      wordLen++;
      if ((k & C_LETTER) !== 0) wordLetters++;
      else wordDigits++;
      if ((k & C_AT) !== 0) wordAt++;
    } else if (wordLen > 0) {
      // Consecutive one-letter words ("i g n o r e"), not the odd "a" or "I" of prose.
      if (wordLen === 1 && wordLetters === 1) {
        if (++single >= 5) h.spaced = true;
      } else single = 0;
      // An e-mail address ("jane@example" before ".com") is not leetspeak (see `isLeetToken`).
      if (wordLetters > 0 && wordDigits > 0 && wordLen >= 3) {
        const email = wordAt > 0 && c === 0x2e && /[a-z]/i.test(text.charAt(i + 1));
        if (!email && ++leetWords >= 2) h.leet = true;
      }
      wordLen = 0;
      wordDigits = 0;
      wordLetters = 0;
      wordAt = 0;
    }
  }
  return h;
}

/** One round: every transformation of `text` that yields something text-like and different. */
function decodeOnce(text: string, budget: { chars: number }, dl: DeadlineClock | undefined): string[] {
  const hints = scanHints(text);
  checkDeadline(dl);
  const out: string[] = [];
  const take = (s: string): void => {
    if (s.length > 0 && s !== text && budget.chars >= s.length) {
      budget.chars -= s.length;
      out.push(s);
    }
  };
  const collect = (re: RegExp, dec: (run: string) => string): void => {
    const pieces: string[] = [];
    for (const m of text.matchAll(re)) {
      const d = dec(m[0]);
      // A decoded layer that is itself an encoded run is kept so the next round can peel it.
      if (looksLikeText(d) || /^[A-Za-z0-9+/=_\s-]{16,}$/.test(d)) pieces.push(d);
      if (pieces.length >= 64) break;
    }
    if (pieces.length > 0) take(pieces.join('\n'));
  };
  // A clock read after each step: each is a pass over the text (up to maxChars), a millisecond or two at most.
  if (hints.base64) collect(BASE64_RUN, decodeBase32Or64);
  checkDeadline(dl);
  if (hints.morse) collect(MORSE_RUN, decodeMorse);
  checkDeadline(dl);
  if (hints.hex) collect(HEX_RUN, decodeHex);
  checkDeadline(dl);
  if (hints.pct && countAtLeast(text, PCT_HINT, 3)) take(decodePct(text).replace(/\+/g, ' '));
  checkDeadline(dl);
  if (hints.escapes) take(decodeEscapes(text));
  if (hints.rot13) take(rot13(text));
  if (hints.reversed) take(reversed(text));
  checkDeadline(dl);
  if (hints.spaced) {
    const spaced = text.replace(SPACED, unspace);
    if (spaced !== text) take(spaced);
  }
  checkDeadline(dl);
  if (!hints.leet) return out;
  let leetHits = 0;
  for (const m of text.matchAll(LEET_TOKEN)) {
    if (isLeetToken(m[0], text, m.index)) leetHits++;
    if (leetHits >= 2) break;
  }
  checkDeadline(dl);
  if (leetHits >= 2) take(deleet(text));
  return out;
}

/**
 * Decoded views of `text` (not including `text` itself), breadth-first up to `maxDepth` rounds, capped in
 * number and total size so a deeply nested or huge encoded payload costs bounded time. `dl`: a deadline read
 * between the steps of each round (see guard/deadline.ts); absent, never.
 */
export function decodedViews(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, dl?: DeadlineClock): string[] {
  const views: string[] = [];
  const budget = { chars: limits.maxChars };
  let frontier = [text.length > limits.maxChars ? text.slice(0, limits.maxChars) : text];
  for (let depth = 0; depth < limits.maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      for (const v of decodeOnce(t, budget, dl)) {
        if (views.length >= limits.maxViews) return views;
        views.push(v);
        next.push(v);
      }
    }
    frontier = next;
  }
  return views;
}
