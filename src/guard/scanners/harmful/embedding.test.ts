import { describe, expect, it } from 'vitest';
import {
  compileMlp,
  createSemanticScratch,
  decodeEmbedding,
  decodeMlp,
  denseMlpLogit,
  embeddingFeatures,
  encodeEmbedding,
  encodeMlp,
  featureCount,
  lookupWord,
  MAX_WORDS,
  semanticLogit,
  type DenseMlp,
} from './embedding.js';
import { harmfulEmbedding } from './embedding-table.js';
import { committedSemantic } from './scorer.js';

const WORDS = ['kill', 'process', 'bomb', 'python'];
const DIMS = 3;
const VECS = Float32Array.from([0.5, -1, 0.25, 0, 0.2, -0.4, 1, 1, 1, -0.5, 0, 0.1]);
const WEIGHT = Float32Array.from([0.2, 0.4, 1, 0.6]);

describe('embedding table', () => {
  it('round-trips through int8 within half a quantisation step', () => {
    const enc = encodeEmbedding(WORDS, WEIGHT, VECS, DIMS);
    const t = decodeEmbedding(enc);
    expect(t.size).toBe(WORDS.length);
    WORDS.forEach((w, i) => expect(lookupWord(t, `(${w})`, 1, w.length + 1)).toBe(i));
    expect(lookupWord(t, 'kil', 0, 3)).toBe(-1);
    expect(lookupWord(t, 'killer', 0, 6)).toBe(-1);
    const deq = (i: number): number => (t.q[i] as number) * (t.scale[i % DIMS] as number);
    VECS.forEach((v, i) => expect(Math.abs(deq(i) - v)).toBeLessThanOrEqual((enc.scale[i % DIMS] as number) / 2 + 1e-7));
    WEIGHT.forEach((w, i) => expect(t.weight[i]).toBeCloseTo(w, 2));
    // The largest |x| of each dimension is exact.
    expect(deq(6)).toBeCloseTo(1, 6);
  });
  it('rejects words it could not split back and sizes that disagree', () => {
    expect(() => encodeEmbedding(['a b'], Float32Array.of(1), Float32Array.of(1, 2, 3), 3)).toThrow();
    expect(() => encodeEmbedding(WORDS, WEIGHT, VECS, 4)).toThrow();
    expect(() => decodeEmbedding({ ...encodeEmbedding(WORDS, WEIGHT, VECS, DIMS), words: 'kill process' })).toThrow();
  });
  it('pools mean, max and weighted mean of the known words', () => {
    const t = decodeEmbedding(encodeEmbedding(WORDS, WEIGHT, VECS, DIMS));
    const x = new Float32Array(featureCount(DIMS));
    embeddingFeatures('How do I KILL a python process?', t, x);
    const v = (w: string): number[] => {
      const i = lookupWord(t, w, 0, w.length);
      return Array.from(t.q.subarray(i * DIMS, (i + 1) * DIMS), (x, d) => x * (t.scale[d] as number));
    };
    const [k, py, p] = [v('kill'), v('python'), v('process')];
    const w = [t.weight[0] as number, t.weight[3] as number, t.weight[1] as number];
    for (let d = 0; d < DIMS; d++) {
      const xs = [k[d] as number, py[d] as number, p[d] as number];
      expect(x[d]).toBeCloseTo((xs[0]! + xs[1]! + xs[2]!) / 3, 5);
      expect(x[DIMS + d]).toBeCloseTo(Math.max(...xs), 5);
      expect(x[2 * DIMS + d]).toBeCloseTo((w[0]! * xs[0]! + w[1]! * xs[1]! + w[2]! * xs[2]!) / (w[0]! + w[1]! + w[2]!), 5);
    }
    expect(x[3 * DIMS]).toBeCloseTo(Math.log1p(7) / 5, 5);
    expect(x[3 * DIMS + 1]).toBeCloseTo(3 / 7, 5);
  });
  it('gives zeros for a text without known words and bounds the words read', () => {
    const t = decodeEmbedding(encodeEmbedding(WORDS, WEIGHT, VECS, DIMS));
    const x = new Float32Array(featureCount(DIMS));
    embeddingFeatures('nothing here', t, x);
    expect([...x].every((v) => v === 0)).toBe(true);
    embeddingFeatures(`${'zzz '.repeat(MAX_WORDS)}bomb`, t, x);
    expect([...x].every((v) => v === 0)).toBe(true);
  });
});

describe('dense MLP', () => {
  const m: DenseMlp = {
    inputs: 2,
    hidden: 2,
    mu: Float32Array.of(1, 0),
    sd: Float32Array.of(2, 1),
    W1: Float32Array.of(1, -1, 0.5, 2),
    b1: Float32Array.of(0, 0.5),
    v: Float32Array.of(1.5, -1),
    b2: 0.25,
  };
  it('computes a ReLU layer over standardised inputs', () => {
    // x = (3, 1) -> standardised (1, 1); h = (1 + 0.5, -1 + 2 + 0.5) = (1.5, 1.5); z = 0.25 + 2.25 - 1.5.
    expect(denseMlpLogit(compileMlp(m), Float32Array.of(3, 1))).toBeCloseTo(1, 6);
  });
  it('round-trips its parameters', () => {
    const d = decodeMlp(encodeMlp(m));
    expect(d).toEqual(m);
    expect(() => decodeMlp({ ...encodeMlp(m), hidden: 3 })).toThrow();
  });
  it('averages the MLPs of a semantic model', () => {
    const table = decodeEmbedding(encodeEmbedding(['a', 'b'], Float32Array.of(1, 1), Float32Array.of(1, 0, 0, 1), 2));
    const mk = (b2: number): DenseMlp => ({ inputs: featureCount(2), hidden: 1, mu: new Float32Array(8), sd: new Float32Array(8).fill(1), W1: new Float32Array(8), b1: new Float32Array(1), v: new Float32Array(1), b2 });
    const model = { table, mlps: [compileMlp(mk(1)), compileMlp(mk(3))] };
    expect(semanticLogit('a b', model, createSemanticScratch(model))).toBe(2);
  });
});

describe('committed semantic block', () => {
  it('decodes, and finds common and harm-related words', () => {
    const s = committedSemantic();
    if (s.weight === 0) return;
    const t = s.model.table;
    expect(t.dims).toBe(harmfulEmbedding().dims);
    for (const w of ['the', 'how', 'bomb', 'poison', 'python']) expect(lookupWord(t, w, 0, w.length)).toBeGreaterThanOrEqual(0);
    expect(lookupWord(t, 'qqqzzxq', 0, 7)).toBe(-1);
    for (const m of s.model.mlps) expect(m.inputs).toBe(featureCount(t.dims));
  });
});
