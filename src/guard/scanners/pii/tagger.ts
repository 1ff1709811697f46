/** @module Greedy averaged-perceptron tagger for PERSON, ADDRESS and the other free-text types, over hashed features. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import type { Entity, TaggedType } from './entity.js';
import { FEATURES_PER_TOKEN, historyFeatures, shapeHistoryFeature, skipToken, STATIC_FEATURES, STRUCT_CLASSES, staticFeatures, TAG_COUNT, TAGS } from './tagger-features.js';
import type { TaggerModel } from './tagger-model.js';
import { type Lexicon, lexiconClasses } from './lexicon.js';
import { type AsciiScratch, asciiScratch, PUNCT_BASE, SHAPE, tokenBuffer, tokenizeText, type TokenBuffer, type Tokens } from './tokens.js';

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Segments bound the per-call arrays; a cut lands on whitespace so no token is split. */
const SEGMENT = 8192;

/** Structured spans sorted by start, non-overlapping, as parallel arrays; `cls` is 1 + the STRUCT_CLASSES index, 0 for none. */
export type ClassSpans = { readonly count: number; readonly start: Int32Array; readonly end: Int32Array; readonly cls: Uint8Array };

/** `ClassSpans` of span objects (training, tests). */
export function classSpans(spans: readonly { type: string; start: number; end: number }[]): ClassSpans {
  const n = spans.length;
  const out = { count: n, start: new Int32Array(n), end: new Int32Array(n), cls: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const sp = spans[i] as { type: string; start: number; end: number };
    out.start[i] = sp.start;
    out.end[i] = sp.end;
    out.cls[i] = STRUCT_CLASSES.indexOf(sp.type as (typeof STRUCT_CLASSES)[number]) + 1;
  }
  return out;
}

/** Structured class per token (1-based index into STRUCT_CLASSES) from spans sorted by start; `into` is reused when given. */
export function tokenClasses(t: Tokens, spans: readonly { type: string; start: number; end: number }[] | ClassSpans, into?: Uint8Array): Uint8Array {
  const sp = Array.isArray(spans) ? classSpans(spans) : (spans as ClassSpans);
  const cls = into ?? new Uint8Array(t.count);
  if (into !== undefined) cls.fill(0, 0, t.count);
  const n = sp.count;
  const ss = sp.start;
  const se = sp.end;
  const sc = sp.cls;
  // First span ending after the first token: a binary search, since each segment of a long text starts here anew.
  let k = 0;
  if (t.count > 0) {
    const s0 = t.start[0] as number;
    let hi = n;
    while (k < hi) {
      const mid = (k + hi) >>> 1;
      if ((se[mid] as number) <= s0) k = mid + 1;
      else hi = mid;
    }
  }
  // Span by span (few) rather than token by token (many): each span marks the tokens it overlaps that no earlier
  // span marked, which is what "the first overlapping span with a class" per token comes to, as spans are sorted
  // and do not overlap. A token ending at or before a span's start overlaps no later span either.
  const count = t.count;
  if (count === 0) return cls;
  const ts = t.start;
  const te = t.end;
  const lastEnd = te[count - 1] as number;
  let ti = 0;
  for (let j = k; j < n; j++) {
    const a = ss[j] as number;
    if (a >= lastEnd) break;
    const c = sc[j] as number;
    if (c === 0) continue;
    while (ti < count && (te[ti] as number) <= a) ti++;
    const b = se[j] as number;
    for (let i = ti; i < count && (ts[i] as number) < b; i++) if (cls[i] === 0) cls[i] = c;
  }
  return cls;
}

function plainShape(sh: number): boolean {
  return sh === SHAPE.lower || sh >= PUNCT_BASE;
}

/**
 * A lower-case word (any, not only a common one) whose next word, past at most one punctuation mark, is lower-case
 * too, or that ends the segment: see `decodeTokens`' `quiet`.
 */
function quietLower(t: Tokens, i: number): boolean {
  if (t.shape[i] !== SHAPE.lower) return false;
  if (i + 1 >= t.count) return true;
  const s1 = t.shape[i + 1] as number;
  if (!plainShape(s1)) return false;
  if (s1 < PUNCT_BASE || i + 2 >= t.count) return true;
  return plainShape(t.shape[i + 2] as number);
}

/**
 * Whether a word of the segment has an upper-case letter (shapes cap, upper, letter, mixed; an alphanumeric word is
 * not looked into): then so has the text, which is what detect.ts tests before dropping all-lower-case names.
 */
function hasCapitalWord(t: Tokens): boolean {
  const shape = t.shape;
  for (let i = 0; i < t.count; i++) {
    const sh = shape[i] as number;
    if (sh === SHAPE.cap || sh === SHAPE.upper || sh === SHAPE.letter || sh === SHAPE.mixed) return true;
  }
  return false;
}

/** Each packed lane holds the weight plus 128; a token's sum carries this much bias per tag. */
const BIAS = FEATURES_PER_TOKEN * 128;

/** Per-detector work arrays for one segment, so tagging allocates nothing per call. */
export type TaggerScratch = {
  readonly tokens: TokenBuffer;
  readonly ascii: AsciiScratch;
  readonly cls: Uint8Array;
  readonly lex: Uint8Array;
  readonly tags: Uint8Array;
  readonly margin: Float32Array;
  readonly feats: Int32Array;
};

export function taggerScratch(capacity = SEGMENT): TaggerScratch {
  const c = Math.max(1, capacity);
  return {
    tokens: tokenBuffer(c),
    ascii: asciiScratch(c),
    cls: new Uint8Array(c),
    lex: new Uint8Array(c),
    tags: new Uint8Array(c),
    margin: new Float32Array(c),
    feats: new Int32Array(FEATURES_PER_TOKEN),
  };
}

/**
 * Tags one token sequence; returns the tag index per token and the winning margin. With `scratch`, the results live
 * in its arrays (valid up to `t.count`, until the next call).
 *
 * `quiet`: also skip, after an O token, a lower-case word followed by lower-case words (`quietLower`). Only for
 * an ASCII segment with a capitalised word (see tagEntities): in such a text a name written all lower-case is dropped
 * afterwards anyway (detect.ts), and the other types hardly start with a lower-case word before lower-case words. Training scores these tokens; skipping one the model would tag O changes nothing (its
 * successor sees O as the previous tag either way), so this only drops entities that would start there. Measured:
 * the same entities on all 2,325 rows of pii dev+train, and 28% fewer scored tokens on the 2 KB bench prompt.
 */
export function decodeTokens(
  model: TaggerModel,
  t: Tokens,
  cls: Uint8Array,
  lex: Uint8Array,
  scratch?: TaggerScratch,
  quiet = false,
): { tags: Uint8Array; margin: Float32Array; count: number } {
  const tags = scratch?.tags ?? new Uint8Array(t.count);
  const margin = scratch?.margin ?? new Float32Array(t.count);
  const feats = scratch?.feats ?? new Int32Array(FEATURES_PER_TOKEN);
  let count = 0;
  const w = model.weights;
  const packed = model.packed;
  const lanes = model.historyLanes;
  const mask = model.mask;
  let prev = 0;
  let prev2 = 0;
  for (let i = 0; i < t.count; i++) {
    if ((skipToken(t, lex, i, prev) || (quiet && prev === 0 && quietLower(t, i))) && (cls[i] ?? 0) === 0) {
      tags[i] = 0;
      margin[i] = 0;
      prev2 = prev;
      prev = 0;
      continue;
    }
    count++;
    staticFeatures(t, cls, lex, i, feats);
    // Eight tags, unrolled into locals: this loop is the tagger's whole cost.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    if (packed !== undefined && lanes !== undefined) {
      // The bias and the first two history features come summed per tag pair (TaggerModel.historyLanes): the
      // static features 1-18 and the shape-history feature are looked up here. Integer sums: the same in any order.
      const at = (prev * TAG_COUNT + prev2) * 4;
      let a = lanes[at] as number;
      let b = lanes[at + 1] as number;
      let c = lanes[at + 2] as number;
      let d = lanes[at + 3] as number;
      for (let f = 1; f < STATIC_FEATURES; f++) {
        const k = ((feats[f] as number) & mask) << 1;
        const x = packed[k] as number;
        const y = packed[k + 1] as number;
        a += x & 0x00ff00ff;
        b += (x >> 8) & 0x00ff00ff;
        c += y & 0x00ff00ff;
        d += (y >> 8) & 0x00ff00ff;
      }
      const k = (shapeHistoryFeature(prev, t.shape[i] ?? 0) & mask) << 1;
      const x = packed[k] as number;
      const y = packed[k + 1] as number;
      a += x & 0x00ff00ff;
      b += (x >> 8) & 0x00ff00ff;
      c += y & 0x00ff00ff;
      d += (y >> 8) & 0x00ff00ff;
      s0 = (a & 0xffff) - BIAS;
      s2 = (a >>> 16) - BIAS;
      s1 = (b & 0xffff) - BIAS;
      s3 = (b >>> 16) - BIAS;
      s4 = (c & 0xffff) - BIAS;
      s6 = (c >>> 16) - BIAS;
      s5 = (d & 0xffff) - BIAS;
      s7 = (d >>> 16) - BIAS;
    } else {
      historyFeatures(prev, prev2, t.shape[i] ?? 0, feats, STATIC_FEATURES);
      for (let f = 0; f < FEATURES_PER_TOKEN; f++) {
        const b = ((feats[f] as number) & mask) << 3;
        s0 += w[b] as number;
        s1 += w[b + 1] as number;
        s2 += w[b + 2] as number;
        s3 += w[b + 3] as number;
        s4 += w[b + 4] as number;
        s5 += w[b + 5] as number;
        s6 += w[b + 6] as number;
        s7 += w[b + 7] as number;
      }
    }
    // The best tag (the first of equal scores) and the runner-up score, in locals rather than through an array.
    let best = 0;
    let top = s0;
    let second = -Infinity;
    if (s1 > top) {
      second = top;
      best = 1;
      top = s1;
    } else if (s1 > second) second = s1;
    if (s2 > top) {
      second = top;
      best = 2;
      top = s2;
    } else if (s2 > second) second = s2;
    if (s3 > top) {
      second = top;
      best = 3;
      top = s3;
    } else if (s3 > second) second = s3;
    if (s4 > top) {
      second = top;
      best = 4;
      top = s4;
    } else if (s4 > second) second = s4;
    if (s5 > top) {
      second = top;
      best = 5;
      top = s5;
    } else if (s5 > second) second = s5;
    if (s6 > top) {
      second = top;
      best = 6;
      top = s6;
    } else if (s6 > second) second = s6;
    if (s7 > top) {
      second = top;
      best = 7;
      top = s7;
    } else if (s7 > second) second = s7;
    tags[i] = best;
    margin[i] = top - second;
    prev2 = prev;
    prev = best;
  }
  return { tags, margin, count };
}

const TRIM = new Set([PUNCT_BASE + 44, PUNCT_BASE + 46, PUNCT_BASE + 59, PUNCT_BASE + 58, PUNCT_BASE + 34, PUNCT_BASE + 39, PUNCT_BASE + 40, PUNCT_BASE + 41, PUNCT_BASE + 45, PUNCT_BASE + 62]);

function pushSpans(t: Tokens, tags: Uint8Array, margin: Float32Array, cls: Uint8Array, lex: Uint8Array, out: Entity[]): void {
  let i = 0;
  while (i < t.count) {
    const tag = tags[i] ?? 0;
    if (tag === 0 || (cls[i] ?? 0) !== 0) {
      i++;
      continue;
    }
    let j = i;
    let m = 0;
    while (j < t.count && tags[j] === tag && (cls[j] ?? 0) === 0) {
      m += margin[j] ?? 0;
      j++;
    }
    let a = i;
    let b = j - 1;
    while (a <= b && TRIM.has(t.shape[a] ?? 0)) a++;
    while (b >= a && TRIM.has(t.shape[b] ?? 0)) {
      // Keep the full stop of an initial or abbreviation ("J.", "Str.") inside the span.
      if (t.shape[b] === PUNCT_BASE + 46 && b > a && (t.end[b - 1] ?? 0) === (t.start[b] ?? 0) && (t.end[b - 1] ?? 0) - (t.start[b - 1] ?? 0) <= 3 && b < j - 1) break;
      b--;
    }
    // A PERSON made only of common lower-case words ("Oh", "Billing") is a capitalised word, not a name.
    let words = 0;
    let common = 0;
    for (let k = a; k <= b; k++) {
      if ((t.shape[k] ?? 0) < PUNCT_BASE) {
        words++;
        if (lex[k] === 1) common++;
      }
    }
    const allCommon = TAGS[tag] === 'PERSON' && words > 0 && common === words;
    if (a <= b && !allCommon) {
      const type = TAGS[tag] as TaggedType;
      const score = 1 / (1 + Math.exp(-m / (j - i) / 40));
      out.push({ type, start: t.start[a] ?? 0, end: t.end[b] ?? 0, score: Math.round(score * 100) / 100 });
    }
    i = j;
  }
}

/** Tags `text` and appends free-text entities; `structured` (sorted by start) marks tokens the recognisers own. */
/**
 * Work bounds for one call. Tagging costs far more per character than the structured recognisers, so on very large
 * or pathological inputs (4 MiB of `a@a@…`) the tagger stops after this much text or this many scored tokens; the
 * structured recognisers still cover the whole text. The cut is reported by `tagEntities`' return value.
 */
export const TAGGER_MAX_CHARS = 512 * 1024;
export const TAGGER_MAX_SCORED = 60_000;

/**
 * Tags `text` and appends free-text entities; returns false when the work bound cut tagging short. `dl`: a deadline
 * checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never.
 */
export function tagEntities(
  model: TaggerModel,
  lexicon: Lexicon,
  text: string,
  structured: readonly Entity[] | ClassSpans,
  out: Entity[],
  scratch: TaggerScratch = taggerScratch(Math.min(SEGMENT, text.length)),
  dl?: DeadlineClock,
): boolean {
  const spans = Array.isArray(structured) ? classSpans(structured) : (structured as ClassSpans);
  let from = 0;
  let scored = 0;
  const limit = Math.min(text.length, TAGGER_MAX_CHARS);
  let check = 0;
  while (from < limit) {
    if (scored >= TAGGER_MAX_SCORED) return false;
    if (from >= check) check = deadlineAt(dl, from);
    let to = Math.min(limit, from + SEGMENT);
    if (to < limit) {
      // Backward scan bounded to half a segment: lastIndexOf would walk to the start of a text without spaces.
      let cut = to;
      while (cut > from + SEGMENT / 2 && !isSpace(text.charCodeAt(cut))) cut--;
      if (cut > from + SEGMENT / 2) to = cut;
    }
    const t = tokenizeText(text, from, to, scratch.tokens, scratch.ascii);
    const cls = tokenClasses(t, spans, scratch.cls);
    const lex = lexiconClasses(lexicon, t, scratch.lex);
    const { tags, margin, count } = decodeTokens(model, t, cls, lex, scratch, scratch.ascii.ascii && hasCapitalWord(t));
    scored += count;
    pushSpans(t, tags, margin, cls, lex, out);
    from = to;
  }
  return limit === text.length;
}
