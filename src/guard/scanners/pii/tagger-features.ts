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

/** The second half of `mix`; `mix(a, b) === fin(K[a] ^ b)` with `K[a] = imul(a ^ 0x5bd1e995, 0x27d4eb2d)`. */
function fin(h: number): number {
  const x = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (x ^ (x >>> 13)) | 0;
}

/** `mix(a, ·)`'s first multiplication for each feature number, computed once: the features below inline `mix`. */
const K = Int32Array.from({ length: 23 }, (_, a) => Math.imul(a ^ 0x5bd1e995, 0x27d4eb2d));
/** Feature 0: the same for every token, the tag bias. */
export const BIAS_FEATURE = mix(1, 0);
const BIAS = BIAS_FEATURE;

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
 * Feature f is `mix(f + 1, x)` or `mix3(f + 1, x, y)` of the token's neighbourhood (numbers 17-19 are the history
 * features); the hashing is written out inline with precomputed constants because this runs for every scored token
 * (as calls it was a third of the tagger's cost), and training calls the same function, so both see the same hashes.
 */
export function staticFeatures(t: Tokens, cls: Uint8Array, lex: Uint8Array, i: number, out: Int32Array): void {
  const n = t.count;
  const word = t.word;
  const shape = t.shape;
  // Word (or structured class) and coarse shape of the neighbours; NONE outside the sequence.
  const c0 = cls[i] as number;
  const w0 = c0 !== 0 ? 0x51c0 + c0 : (word[i] as number);
  const sh0 = c0 !== 0 ? 0x51c0 + c0 : (shape[i] as number);
  let wm1 = NONE;
  let wm2 = NONE;
  let wp1 = NONE;
  let wp2 = NONE;
  let sm1 = NONE;
  let sm2 = NONE;
  let sp1 = NONE;
  if (i >= 1) {
    const c = cls[i - 1] as number;
    wm1 = c !== 0 ? 0x51c0 + c : (word[i - 1] as number);
    sm1 = c !== 0 ? 0x51c0 : coarse(shape[i - 1] as number);
    if (i >= 2) {
      const c2 = cls[i - 2] as number;
      wm2 = c2 !== 0 ? 0x51c0 + c2 : (word[i - 2] as number);
      sm2 = c2 !== 0 ? 0x51c0 : coarse(shape[i - 2] as number);
    }
  }
  if (i + 1 < n) {
    const c = cls[i + 1] as number;
    wp1 = c !== 0 ? 0x51c0 + c : (word[i + 1] as number);
    sp1 = c !== 0 ? 0x51c0 : coarse(shape[i + 1] as number);
    if (i + 2 < n) {
      const c2 = cls[i + 2] as number;
      wp2 = c2 !== 0 ? 0x51c0 + c2 : (word[i + 2] as number);
    }
  }
  const nl = t.newline[i] as number;
  const sentStart = i === 0 || nl === 1 || isSentenceEnd(shape[i - 1] as number) ? 1 : 0;
  const l0 = lex[i] as number;
  const lm1 = i > 0 ? (lex[i - 1] as number) : 9;
  const lp1 = i + 1 < n ? (lex[i + 1] as number) : 9;
  const nlNext = t.newline[i + 1] ?? 1;
  const sf = c0 !== 0 ? w0 : (t.suffix[i] as number);
  // fin(K[f] ^ v), and for a pair fin(imul(fin(K[f] ^ a) ^ 0x5bd1e995, 0x27d4eb2d) ^ b), written out: as calls they
  // were not all inlined (too many call sites) and cost a sixth of the tagger.
  let x: number;
  out[0] = BIAS;
  x = (K[2] as number) ^ w0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[1] = (x ^ (x >>> 13)) | 0;
  x = (K[3] as number) ^ sf;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[2] = (x ^ (x >>> 13)) | 0;
  x = (K[4] as number) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[3] = (x ^ (x >>> 13)) | 0;
  x = (K[5] as number) ^ wm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[4] = (x ^ (x >>> 13)) | 0;
  x = (K[6] as number) ^ wp1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[5] = (x ^ (x >>> 13)) | 0;
  x = (K[7] as number) ^ wm2;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[6] = (x ^ (x >>> 13)) | 0;
  x = (K[8] as number) ^ wp2;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[7] = (x ^ (x >>> 13)) | 0;
  x = (K[9] as number) ^ sm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[8] = (x ^ (x >>> 13)) | 0;
  x = (K[10] as number) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sp1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[9] = (x ^ (x >>> 13)) | 0;
  x = (K[11] as number) ^ (nl * 2 + sentStart);
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[10] = (x ^ (x >>> 13)) | 0;
  x = (K[12] as number) ^ wm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[11] = (x ^ (x >>> 13)) | 0;
  x = (K[13] as number) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ wp1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[12] = (x ^ (x >>> 13)) | 0;
  x = (K[14] as number) ^ sm2;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[13] = (x ^ (x >>> 13)) | 0;
  x = (K[15] as number) ^ wm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ w0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[14] = (x ^ (x >>> 13)) | 0;
  x = (K[16] as number) ^ nlNext;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[15] = (x ^ (x >>> 13)) | 0;
  x = (K[20] as number) ^ l0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ sh0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[16] = (x ^ (x >>> 13)) | 0;
  x = (K[21] as number) ^ lm1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ l0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[17] = (x ^ (x >>> 13)) | 0;
  x = (K[22] as number) ^ l0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13) ^ 0x5bd1e995, 0x27d4eb2d) ^ lp1;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  out[18] = (x ^ (x >>> 13)) | 0;
}

/**
 * Tag-history features: previous tag, the two previous tags, previous tag with the current shape. The first two
 * depend on the tags alone (the tagger sums their weights once per tag pair, see tagger-model.ts historyLanes).
 */
export function historyFeatures(prev: number, prev2: number, shape0: number, out: Int32Array, at: number): void {
  out[at] = fin((K[17] as number) ^ prev);
  out[at + 1] = fin(Math.imul(fin((K[18] as number) ^ prev2) ^ 0x5bd1e995, 0x27d4eb2d) ^ prev);
  out[at + 2] = shapeHistoryFeature(prev, shape0);
}

/** The third history feature: previous tag with the current shape. */
export function shapeHistoryFeature(prev: number, shape0: number): number {
  return fin(Math.imul(fin((K[19] as number) ^ prev) ^ 0x5bd1e995, 0x27d4eb2d) ^ shape0);
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
