/** @module Sparse tf vectors of hashed n-grams: sublinear term frequency, L2-normalised, over a whole text or a range of it. */
import type { HashedFeatures } from './hashed-features.js';

/** Distinct ids and their values; `n` entries are valid. */
export type SparseVec = { readonly ids: Int32Array; readonly vals: Float32Array; readonly n: number };

/**
 * Scratch for counting: `slot[id]` is valid only where `stamp[id] === epoch`, so no array of `dim` entries
 * is cleared per text. One per scorer; never shared between concurrent users.
 */
export type TfScratch = { stamp: Int32Array; slot: Int32Array; epoch: number; ids: Int32Array; cnt: Float32Array };

export function createTfScratch(dim: number, cap = 1 << 14): TfScratch {
  return { stamp: new Int32Array(dim), slot: new Int32Array(dim), epoch: 0, ids: new Int32Array(cap), cnt: new Float32Array(cap) };
}

function grow(s: TfScratch, need: number): void {
  if (need <= s.ids.length) return;
  const cap = Math.max(need, s.ids.length * 2);
  const ids = new Int32Array(cap);
  ids.set(s.ids);
  const cnt = new Float32Array(cap);
  cnt.set(s.cnt);
  s.ids = ids;
  s.cnt = cnt;
}

function add(s: TfScratch, src: Int32Array, from: number, to: number, n: number): number {
  const e = s.epoch;
  const st = s.stamp;
  const sl = s.slot;
  const ids = s.ids;
  const cnt = s.cnt;
  for (let k = from; k < to; k++) {
    const id = src[k] as number;
    if (st[id] === e) cnt[sl[id] as number] = (cnt[sl[id] as number] as number) + 1;
    else {
      st[id] = e;
      sl[id] = n;
      ids[n] = id;
      cnt[n++] = 1;
    }
  }
  return n;
}

export type TfRange = { readonly from: number; readonly to: number; readonly wordFrom: number; readonly wordTo: number };

/**
 * Counts the character and word features of `r` into the scratch and turns the counts into
 * 1 + ln(tf), L2-normalised. The result aliases the scratch: use it before the next call.
 */
export function tfVector(f: HashedFeatures, r: TfRange, s: TfScratch, wordWeight = 1): SparseVec {
  if (s.epoch >= 0x7ffffff0) {
    s.stamp.fill(0);
    s.epoch = 0;
  }
  grow(s, r.to - r.from + (r.wordTo - r.wordFrom));
  s.epoch += 1;
  const nc = add(s, f.ids, r.from, r.to, 0);
  // The word block is counted apart (a word id that collides with a character id is a second entry),
  // exactly as the fused `tfDot` of the scanners does.
  s.epoch += 1;
  const n = add(s, f.wordIds, r.wordFrom, r.wordTo, nc);
  const cnt = s.cnt;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const c = cnt[i] as number;
    const v = (c === 1 ? 1 : 1 + Math.log(c)) * (i >= nc ? wordWeight : 1);
    cnt[i] = v;
    ss += v * v;
  }
  const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  for (let i = 0; i < n; i++) cnt[i] = (cnt[i] as number) * inv;
  return { ids: s.ids, vals: s.cnt, n };
}

export function wholeRange(f: HashedFeatures): TfRange {
  return { from: 0, to: f.count, wordFrom: 0, wordTo: f.wordCount };
}

export function dot(w: Float32Array, v: SparseVec): number {
  let z = 0;
  const ids = v.ids;
  const vals = v.vals;
  for (let i = 0; i < v.n; i++) z += (w[ids[i] as number] as number) * (vals[i] as number);
  return z;
}

/** 1 + ln(c) for small counts, the same doubles `Math.log` gives: most repeated n-grams repeat a few times. */
const SUBLINEAR = Float64Array.from({ length: 1024 }, (_, c) => (c === 0 ? 0 : 1 + Math.log(c)));

function sublinear(c: number): number {
  return c < 1024 ? (SUBLINEAR[c] as number) : 1 + Math.log(c);
}

/** Scratch for `tfDot`: a saturating count per id and the list of ids touched. */
export type DotScratch = { cnt: Uint16Array; touched: Int32Array };

export function createDotScratch(dim: number): DotScratch {
  return { cnt: new Uint16Array(dim), touched: new Int32Array(1 << 14) };
}

function countInto(s: DotScratch, src: Int32Array, from: number, to: number, n: number): number {
  const cnt = s.cnt;
  const touched = s.touched;
  for (let k = from; k < to; k++) {
    const id = src[k] as number;
    const c = cnt[id] as number;
    // Branch-free: whether an id is new is a coin toss in prose, and a mispredicted branch per feature
    // cost more than the rest of the loop. (c - 1) >>> 31 is 1 exactly when c is 0.
    touched[n] = id;
    n += (c - 1) >>> 31;
    // Saturates: a count beyond 65535 changes 1 + ln(tf) by nothing that matters.
    if (c < 0xffff) cnt[id] = c + 1;
  }
  return n;
}

/**
 * `w · tfVector(f, r)` without building the vector: one counting pass, then one pass over the distinct
 * ids that also clears the counts. The hot path of the scanners (what `tfVector` + `dot` compute, fused).
 */
export function tfDot(f: HashedFeatures, r: TfRange, w: Float32Array, s: DotScratch, wordWeight = 1): number {
  const need = r.to - r.from + (r.wordTo - r.wordFrom);
  if (need > s.touched.length) s.touched = new Int32Array(Math.max(need, s.touched.length * 2));
  const nc = countInto(s, f.ids, r.from, r.to, 0);
  const cnt = s.cnt;
  const touched = s.touched;
  let sum = 0;
  let ss = 0;
  for (let i = 0; i < nc; i++) {
    const id = touched[i] as number;
    const c = cnt[id] as number;
    cnt[id] = 0;
    const v = c === 1 ? 1 : sublinear(c);
    sum += (w[id] as number) * v;
    ss += v * v;
  }
  // Word ids counted after the character ids are cleared, so a word id that collides with a character
  // id is counted again here, as in `tfVector`.
  const n = countInto(s, f.wordIds, r.wordFrom, r.wordTo, 0);
  for (let i = 0; i < n; i++) {
    const id = touched[i] as number;
    const c = cnt[id] as number;
    cnt[id] = 0;
    const v = (c === 1 ? 1 : sublinear(c)) * wordWeight;
    sum += (w[id] as number) * v;
    ss += v * v;
  }
  return ss > 0 ? sum / Math.sqrt(ss) : 0;
}

/**
 * `tfDot` over int16 weights (the committed form; multiply the result by the head's scale): the weight
 * array is half the size of float weights, and at 2^16 ids it and the counts stay in a core's L2 cache.
 */
export function tfDotQuantised(f: HashedFeatures, r: TfRange, q: Int16Array, s: DotScratch, wordWeight = 1): number {
  return tfDotQuantisedSpan(f, r.from, r.to, r.wordFrom, r.wordTo, q, s, wordWeight);
}

/** `tfDotQuantised` over explicit index ranges of the character and the word block: no range object per call. */
export function tfDotQuantisedSpan(f: HashedFeatures, from: number, to: number, wordFrom: number, wordTo: number, q: Int16Array, s: DotScratch, wordWeight = 1): number {
  const need = to - from + (wordTo - wordFrom);
  if (need > s.touched.length) s.touched = new Int32Array(Math.max(need, s.touched.length * 2));
  const nc = countInto(s, f.ids, from, to, 0);
  const cnt = s.cnt;
  const touched = s.touched;
  let sum = 0;
  let ss = 0;
  for (let i = 0; i < nc; i++) {
    const id = touched[i] as number;
    const c = cnt[id] as number;
    cnt[id] = 0;
    // No branch on c === 1 (unpredictable): sublinear(1) is exactly 1, so the doubles are the same.
    const v = c < 1024 ? (SUBLINEAR[c] as number) : 1 + Math.log(c);
    sum += (q[id] as number) * v;
    ss += v * v;
  }
  const n = countInto(s, f.wordIds, wordFrom, wordTo, 0);
  for (let i = 0; i < n; i++) {
    const id = touched[i] as number;
    const c = cnt[id] as number;
    cnt[id] = 0;
    const v = (c === 1 ? 1 : sublinear(c)) * wordWeight;
    sum += (q[id] as number) * v;
    ss += v * v;
  }
  return ss > 0 ? sum / Math.sqrt(ss) : 0;
}
