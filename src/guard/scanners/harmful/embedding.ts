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
  readonly size: number;
  /** Open-addressing table over word hashes (see wordHash): slot -> word index + 1, 0 = empty. */
  readonly slots: Int32Array;
  readonly slotHash: Uint32Array;
  /** The words joined, and where each starts (length words + 1), to confirm a hash hit. */
  readonly chars: string;
  readonly starts: Int32Array;
  readonly weight: Float32Array;
  /** int8 vectors, words x dims; a value is q * scale[d]. */
  readonly q: Int8Array;
  readonly scale: Float32Array;
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
  // Node's Buffer decodes a megabyte of base64 several times faster than atob and a char loop.
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B !== undefined) {
    const b = B.from(s, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
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
  const qb = fromBase64(e.q);
  const q = new Int8Array(qb.buffer, qb.byteOffset, qb.length);
  const wq = fromBase64(e.weight);
  if (q.length !== words.length * e.dims || wq.length !== words.length || e.scale.length !== e.dims) throw new Error('embedding table sizes disagree');
  // A plain loop: Float32Array.from over a Buffer goes through the iterator, some 100 times slower.
  const weight = new Float32Array(wq.length);
  for (let i = 0; i < wq.length; i++) weight[i] = (wq[i] as number) / 255;
  let size = 16;
  while (size < 2 * words.length) size *= 2;
  const slots = new Int32Array(size);
  const slotHash = new Uint32Array(size);
  const starts = new Int32Array(words.length + 1);
  words.forEach((w, i) => {
    starts[i + 1] = (starts[i] as number) + w.length;
    const h = wordHash(w, 0, w.length);
    let k = h & (size - 1);
    while ((slots[k] as number) !== 0) k = (k + 1) & (size - 1);
    slots[k] = i + 1;
    slotHash[k] = h;
  });
  return { dims: e.dims, size: words.length, slots, slotHash, chars: words.join(''), starts, weight, q, scale: Float32Array.from(e.scale) };
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** FNV-1a of `s[from, to)`, ASCII letters lower-cased. */
function wordHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ lowerAscii(s.charCodeAt(i)), 16777619);
  return h >>> 0;
}

/** Index of the word `s[from, to)` (ASCII letters compared in lower case) in the table, -1 when absent; no allocation. */
export function lookupWord(t: EmbeddingTable, s: string, from: number, to: number, h = wordHash(s, from, to)): number {
  const mask = t.slots.length - 1;
  for (let k = h & mask; ; k = (k + 1) & mask) {
    const v = t.slots[k] as number;
    if (v === 0) return -1;
    if (t.slotHash[k] !== h) continue;
    const i = v - 1;
    const a = t.starts[i] as number;
    if ((t.starts[i + 1] as number) - a !== to - from) continue;
    let same = true;
    for (let j = 0; j < to - from && same; j++) same = t.chars.charCodeAt(a + j) === lowerAscii(s.charCodeAt(from + j));
    if (same) return i;
  }
}

/** Words looked at per text: a harmful request is short, and the cost must stay bounded on a 4 MiB body. */
export const MAX_WORDS = 128;

/** Dense features: mean, max and weighted mean of the word vectors, log word count, share of words in the table. */
export function featureCount(dims: number): number {
  return 3 * dims + 2;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * Writes the dense features of `text` into `out` (length `featureCount(dims)`): words are runs of ASCII letters
 * (in lower case) and digits, the first MAX_WORDS of them. A text with no known word gets all zeros.
 */
/** Float64 accumulators of embeddingFeatures (mean, max, weighted mean), reused: it never re-enters. */
let acc = new Float64Array(0);

export function embeddingFeatures(text: string, t: EmbeddingTable, out: Float32Array): void {
  const D = t.dims;
  const q = t.q;
  if (acc.length < 3 * D) acc = new Float64Array(3 * D);
  const sum = acc;
  sum.fill(0, 0, 3 * D);
  for (let d = D; d < 2 * D; d++) sum[d] = -Infinity;
  out.fill(0);
  let words = 0;
  let hits = 0;
  let wsum = 0;
  let start = -1;
  let h = 0;
  const n = text.length;
  for (let i = 0; i <= n && words < MAX_WORDS; i++) {
    let c = i < n ? text.charCodeAt(i) : 32;
    if (c >= 65 && c <= 90) c += 32;
    if (isWordChar(c)) {
      if (start < 0) {
        start = i;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 16777619);
      continue;
    }
    if (start < 0) continue;
    words++;
    const k = i - start <= 40 ? lookupWord(t, text, start, i, h >>> 0) : -1;
    start = -1;
    if (k < 0) continue;
    hits++;
    const w = t.weight[k] as number;
    wsum += w;
    const o = k * D;
    // Sums in int8 units, scaled per dimension at the end.
    for (let d = 0; d < D; d++) {
      const x = q[o + d] as number;
      sum[d] = (sum[d] as number) + x;
      if (x > (sum[D + d] as number)) sum[D + d] = x;
      sum[2 * D + d] = (sum[2 * D + d] as number) + w * x;
    }
  }
  if (hits === 0) return;
  for (let d = 0; d < D; d++) {
    const sc = t.scale[d] as number;
    out[d] = ((sum[d] as number) * sc) / hits;
    out[D + d] = (sum[D + d] as number) * sc;
    out[2 * D + d] = wsum > 0 ? ((sum[2 * D + d] as number) * sc) / wsum : 0;
  }
  out[3 * D] = Math.log1p(words) / 5;
  out[3 * D + 1] = hits / words;
}

/**
 * An MLP ready to score: the standardisation folded into the first layer, which is stored hidden-major so each
 * hidden unit is one contiguous dot product.
 */
export type CompiledMlp = { readonly inputs: number; readonly hidden: number; readonly W: Float32Array; readonly b: Float32Array; readonly v: Float32Array; readonly b2: number };

export function compileMlp(m: DenseMlp): CompiledMlp {
  const I = m.inputs;
  const H = m.hidden;
  const W = new Float32Array(I * H);
  const b = Float32Array.from(m.b1);
  for (let i = 0; i < I; i++) {
    const inv = 1 / (m.sd[i] as number);
    for (let j = 0; j < H; j++) {
      const w = (m.W1[i * H + j] as number) * inv;
      W[j * I + i] = w;
      b[j] = (b[j] as number) - w * (m.mu[i] as number);
    }
  }
  return { inputs: I, hidden: H, W, b, v: Float32Array.from(m.v), b2: m.b2 };
}

/** Logit of one MLP on raw features `x`. */
export function denseMlpLogit(m: CompiledMlp, x: Float32Array): number {
  const I = m.inputs;
  const W = m.W;
  let z = m.b2;
  for (let j = 0; j < m.hidden; j++) {
    let a = m.b[j] as number;
    const o = j * I;
    for (let i = 0; i < I; i++) a += (W[o + i] as number) * (x[i] as number);
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
  // A pooled Buffer may start at any offset; a Float32Array view needs 4-byte alignment.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const all = new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4));
  const I = e.inputs;
  const H = e.hidden;
  if (bytes.length % 4 !== 0 || all.length !== 2 * I + I * H + 2 * H) throw new Error('mlp size disagrees');
  let o = 0;
  const take = (n: number): Float32Array => all.slice(o, (o += n));
  return { inputs: I, hidden: H, mu: take(I), sd: take(I), W1: take(I * H), b1: take(H), v: take(H), b2: e.b2 };
}

export type SemanticModel = { readonly table: EmbeddingTable; readonly mlps: readonly CompiledMlp[] };

export type SemanticScratch = { readonly x: Float32Array };

export function createSemanticScratch(m: SemanticModel): SemanticScratch {
  return { x: new Float32Array(featureCount(m.table.dims)) };
}

/** Mean logit of the MLPs on `text` (in scan form). */
export function semanticLogit(text: string, m: SemanticModel, s: SemanticScratch): number {
  if (m.mlps.length === 0) return 0;
  embeddingFeatures(text, m.table, s.x);
  let z = 0;
  for (const p of m.mlps) z += denseMlpLogit(p, s.x);
  return z / m.mlps.length;
}
