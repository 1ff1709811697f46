/** @module Feature hashing for the PII token tagger; shared by inference and scripts/train-pii.ts so both see the same features. */
import type { TaggedType } from './entity.js';
import { PUNCT_BASE, SHAPE, type Tokens } from './tokens.js';

/** Tag set in model order (IO scheme: adjacent spans of one type are split later by punctuation rules). */
export const TAGS = ['O', 'PERSON', 'ADDRESS', 'LOCATION', 'ORGANIZATION', 'DATE_TIME', 'AGE', 'NRP'] as const satisfies readonly ('O' | TaggedType)[];
export const TAG_COUNT = TAGS.length;
/** Structured classes a token can carry (1-based; 0 = none) so the tagger sees `<PHONE>` instead of digits. */
export const STRUCT_CLASSES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'US_SSN', 'URL', 'US_DRIVER_LICENSE'] as const;
export const STATIC_FEATURES = 19;
const NONE = 0x2bad;

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x5bd1e995, 0x27d4eb2d) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

function mix3(a: number, b: number, c: number): number {
  return mix(mix(a, b), c);
}

function isSentenceEnd(shape: number): boolean {
  return shape === PUNCT_BASE + 46 || shape === PUNCT_BASE + 33 || shape === PUNCT_BASE + 63;
}

/** Coarse shape for pair features: digits collapse to one class. */
function coarse(shape: number): number {
  return shape >= SHAPE.digit * 16 && shape < PUNCT_BASE ? SHAPE.digit : shape;
}

/**
 * Writes the tag-independent feature hashes of token `i` into `out` (exactly STATIC_FEATURES entries).
 * `cls` holds each token's structured class (0 = none), `lex` its lexicon class (see lexicon.ts).
 */
function wordAt(t: Tokens, cls: Uint8Array, k: number): number {
  if (k < 0 || k >= t.count) return NONE;
  const c = cls[k] ?? 0;
  return c !== 0 ? 0x51c0 + c : (t.word[k] ?? NONE);
}

function shapeAt(t: Tokens, cls: Uint8Array, k: number): number {
  if (k < 0 || k >= t.count) return NONE;
  return (cls[k] ?? 0) !== 0 ? 0x51c0 : coarse(t.shape[k] ?? 0);
}

export function staticFeatures(t: Tokens, cls: Uint8Array, lex: Uint8Array, i: number, out: Int32Array): void {
  const n = t.count;
  const c0 = cls[i] ?? 0;
  const sh0 = c0 !== 0 ? 0x51c0 + c0 : (t.shape[i] ?? 0);
  const w0 = wordAt(t, cls, i);
  const nl = t.newline[i] ?? 0;
  const sentStart = i === 0 || nl === 1 || isSentenceEnd(t.shape[i - 1] ?? 0) ? 1 : 0;
  out[0] = mix(1, 0);
  out[1] = mix(2, w0);
  out[2] = mix(3, c0 !== 0 ? w0 : (t.suffix[i] ?? 0));
  out[3] = mix(4, sh0);
  out[4] = mix(5, wordAt(t, cls, i - 1));
  out[5] = mix(6, wordAt(t, cls, i + 1));
  out[6] = mix(7, wordAt(t, cls, i - 2));
  out[7] = mix(8, wordAt(t, cls, i + 2));
  out[8] = mix3(9, shapeAt(t, cls, i - 1), sh0);
  out[9] = mix3(10, sh0, shapeAt(t, cls, i + 1));
  out[10] = mix3(11, nl * 2 + sentStart, sh0);
  out[11] = mix3(12, wordAt(t, cls, i - 1), sh0);
  out[12] = mix3(13, sh0, wordAt(t, cls, i + 1));
  out[13] = mix3(14, shapeAt(t, cls, i - 2), shapeAt(t, cls, i - 1));
  out[14] = mix3(15, wordAt(t, cls, i - 1), w0);
  out[15] = mix3(16, t.newline[i + 1] ?? 1, sh0);
  const l0 = lex[i] ?? 0;
  out[16] = mix3(20, l0, sh0);
  out[17] = mix3(21, i > 0 ? (lex[i - 1] ?? 0) : 9, l0);
  out[18] = mix3(22, l0, i + 1 < n ? (lex[i + 1] ?? 0) : 9);
}

/** Tag-history features: previous tag, the two previous tags, previous tag with the current shape. */
export function historyFeatures(prev: number, prev2: number, shape0: number, out: Int32Array, at: number): void {
  out[at] = mix(17, prev);
  out[at + 1] = mix3(18, prev2, prev);
  out[at + 2] = mix3(19, prev, shape0);
}

export const FEATURES_PER_TOKEN = STATIC_FEATURES + 3;

/**
 * Tokens the tagger does not score: a common lower-case word or a punctuation mark right after an O token. In prose
 * that is most tokens, and skipping them is what keeps the tagger within its time budget; training applies the same
 * rule so the model never learns to depend on those tokens being scored.
 */
export function skipToken(t: Tokens, lex: Uint8Array, i: number, prevTag: number): boolean {
  if (prevTag !== 0) return false;
  const sh = t.shape[i] ?? 0;
  if (sh >= PUNCT_BASE) return sh !== PUNCT_BASE + 35 && sh !== PUNCT_BASE + 64; // '#' and '@' can start values
  return sh === SHAPE.lower && lex[i] === 1;
}

/** Training-time word dropout: the current word's identity features become the unknown-word value. */
export function dropWordFeatures(out: Int32Array): void {
  out[1] = mix(2, NONE);
  out[2] = mix(3, NONE);
  out[14] = mix3(15, NONE, NONE);
}
