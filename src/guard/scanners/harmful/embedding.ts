/**
 * @module Semantic block of the harmful model: a distilled word-vector table (a vocabulary of pretrained
 * skip-gram vectors, PCA-reduced and int8-quantised, see scripts/eval/harmful-embed.ts) pooled over the words
 * of a text (mean, max and a frequency-weighted mean), read by a few small ReLU MLPs whose mean logit is
 * added to the n-gram logit. Words carry meaning the n-grams never saw in training ("decapitate" near "behead").
 */

/** Committed form of the word table: words in table order, per-word frequency weights, int8 vectors with a scale per dimension. */
export type EncodedEmbedding = {
  readonly format: 'warden-embed-v1';
  readonly dims: number;
  /** Words separated by single spaces. */
  readonly words: string;
  /** uint8 per word: the weight of the word in the weighted mean, times 255. */
  readonly weight: string;
  /** Per-dimension scale of the int8 values. */
  readonly scale: readonly number[];
  /** int8, words x dims, row-major. */
  readonly q: string;
};

export type EmbeddingTable = {
  readonly dims: number;
  readonly index: ReadonlyMap<string, number>;
  readonly weight: Float32Array;
  readonly vecs: Float32Array;
};

/** A one-hidden-layer ReLU MLP over standardised dense features. */
export type DenseMlp = {
  readonly inputs: number;
  readonly hidden: number;
  readonly mu: Float32Array;
  readonly sd: Float32Array;
  /** inputs x hidden, row-major. */
  readonly W1: Float32Array;
  readonly b1: Float32Array;
  readonly v: Float32Array;
  readonly b2: number;
};

export type EncodedMlp = { readonly inputs: number; readonly hidden: number; readonly b2: number; readonly f32: string };

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return btoa(bin);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Symmetric int8 quantisation per dimension (the largest |x| of a dimension at 127). */
export function encodeEmbedding(words: readonly string[], weight: Float32Array, vecs: Float32Array, dims: number): EncodedEmbedding {
  if (vecs.length !== words.length * dims || weight.length !== words.length) throw new Error('table sizes disagree');
  for (const w of words) if (w.length === 0 || w.includes(' ')) throw new Error(`bad table word: ${JSON.stringify(w)}`);
  const scale = new Array<number>(dims).fill(0);
  for (let i = 0; i < words.length; i++) for (let d = 0; d < dims; d++) scale[d] = Math.max(scale[d] as number, Math.abs(vecs[i * dims + d] as number));
  for (let d = 0; d < dims; d++) scale[d] = (scale[d] as number) === 0 ? 1 : (scale[d] as number) / 127;
  const q = new Int8Array(vecs.length);
  for (let i = 0; i < words.length; i++) for (let d = 0; d < dims; d++) q[i * dims + d] = Math.round((vecs[i * dims + d] as number) / (scale[d] as number));
  const wq = Uint8Array.from(weight, (w) => Math.max(0, Math.min(255, Math.round(w * 255))));
  return { format: 'warden-embed-v1', dims, words: words.join(' '), weight: toBase64(wq), scale, q: toBase64(new Uint8Array(q.buffer)) };
}

export function decodeEmbedding(e: EncodedEmbedding): EmbeddingTable {
  if (e.format !== 'warden-embed-v1') throw new Error(`unknown embedding format ${String(e.format)}`);
  const words = e.words.length === 0 ? [] : e.words.split(' ');
  const q = new Int8Array(fromBase64(e.q).buffer);
  const wq = fromBase64(e.weight);
  if (q.length !== words.length * e.dims || wq.length !== words.length || e.scale.length !== e.dims) throw new Error('embedding table sizes disagree');
  const vecs = new Float32Array(q.length);
  for (let i = 0; i < words.length; i++) for (let d = 0; d < e.dims; d++) vecs[i * e.dims + d] = (q[i * e.dims + d] as number) * (e.scale[d] as number);
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  return { dims: e.dims, index, weight: Float32Array.from(wq, (b) => b / 255), vecs };
}

/** Words looked at per text: a harmful request is short, and the cost must stay bounded on a 4 MiB body. */
export const MAX_WORDS = 400;

/** Dense features: mean, max and weighted mean of the word vectors, log word count, share of words in the table. */
export function featureCount(dims: number): number {
  return 3 * dims + 2;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * Writes the dense features of `text` into `out` (length `featureCount(dims)`): words are runs of a-z and 0-9
 * of the lower-cased text, the first MAX_WORDS of them. A text with no known word gets all zeros.
 */
export function embeddingFeatures(text: string, t: EmbeddingTable, out: Float32Array): void {
  const D = t.dims;
  out.fill(0);
  const mean = 0;
  const max = D;
  const wmean = 2 * D;
  for (let d = 0; d < D; d++) out[max + d] = -Infinity;
  const lower = text.toLowerCase();
  let words = 0;
  let hits = 0;
  let wsum = 0;
  let start = -1;
  for (let i = 0; i <= lower.length && words < MAX_WORDS; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    words++;
    const k = i - start <= 40 ? t.index.get(lower.slice(start, i)) : undefined;
    start = -1;
    if (k === undefined) continue;
    hits++;
    const w = t.weight[k] as number;
    wsum += w;
    const o = k * D;
    for (let d = 0; d < D; d++) {
      const x = t.vecs[o + d] as number;
      out[mean + d] = (out[mean + d] as number) + x;
      if (x > (out[max + d] as number)) out[max + d] = x;
      out[wmean + d] = (out[wmean + d] as number) + w * x;
    }
  }
  if (hits === 0) {
    out.fill(0);
    return;
  }
  for (let d = 0; d < D; d++) {
    out[mean + d] = (out[mean + d] as number) / hits;
    out[wmean + d] = wsum > 0 ? (out[wmean + d] as number) / wsum : 0;
  }
  out[3 * D] = Math.log1p(words) / 5;
  out[3 * D + 1] = hits / words;
}

/** Logit of one MLP on raw features `x`; `h` is scratch of `hidden` floats. */
export function denseMlpLogit(m: DenseMlp, x: Float32Array, h: Float32Array): number {
  const H = m.hidden;
  h.set(m.b1);
  for (let i = 0; i < m.inputs; i++) {
    const xi = ((x[i] as number) - (m.mu[i] as number)) / (m.sd[i] as number);
    if (xi === 0) continue;
    const o = i * H;
    for (let j = 0; j < H; j++) h[j] = (h[j] as number) + (m.W1[o + j] as number) * xi;
  }
  let z = m.b2;
  for (let j = 0; j < H; j++) {
    const a = h[j] as number;
    if (a > 0) z += a * (m.v[j] as number);
  }
  return z;
}

/** float32 parameters in the order mu, sd, W1, b1, v. */
export function encodeMlp(m: DenseMlp): EncodedMlp {
  const all = new Float32Array(2 * m.inputs + m.inputs * m.hidden + 2 * m.hidden);
  let o = 0;
  for (const a of [m.mu, m.sd, m.W1, m.b1, m.v]) {
    all.set(a, o);
    o += a.length;
  }
  return { inputs: m.inputs, hidden: m.hidden, b2: m.b2, f32: toBase64(new Uint8Array(all.buffer)) };
}

export function decodeMlp(e: EncodedMlp): DenseMlp {
  const bytes = fromBase64(e.f32);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const I = e.inputs;
  const H = e.hidden;
  if (all.length !== 2 * I + I * H + 2 * H) throw new Error('mlp size disagrees');
  let o = 0;
  const take = (n: number): Float32Array => all.slice(o, (o += n));
  return { inputs: I, hidden: H, mu: take(I), sd: take(I), W1: take(I * H), b1: take(H), v: take(H), b2: e.b2 };
}

export type SemanticModel = { readonly table: EmbeddingTable; readonly mlps: readonly DenseMlp[] };

export type SemanticScratch = { readonly x: Float32Array; readonly h: Float32Array };

export function createSemanticScratch(m: SemanticModel): SemanticScratch {
  return { x: new Float32Array(featureCount(m.table.dims)), h: new Float32Array(Math.max(1, ...m.mlps.map((p) => p.hidden))) };
}

/** Mean logit of the MLPs on `text` (in scan form). */
export function semanticLogit(text: string, m: SemanticModel, s: SemanticScratch): number {
  if (m.mlps.length === 0) return 0;
  embeddingFeatures(text, m.table, s.x);
  let z = 0;
  for (const p of m.mlps) z += denseMlpLogit(p, s.x, s.h);
  return z / m.mlps.length;
}
