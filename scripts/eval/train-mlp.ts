/**
 * @module Experiment (not part of the product): a one-hidden-layer ReLU MLP over sparse hashed features
 * (scripts/eval/harmful-mlp-lab.ts), trained by mini-batch Adam with lazy moments for the W1 rows a batch touches, dropout on hidden units, class-balanced weighted logistic
 * loss. Deterministic given the seed (one PRNG drives init, shuffling and dropout).
 */
import type { Vec } from './train-binary.js';
import { mulberry32 } from './prng.js';

export type Mlp = {
  /** Feature slots, a power of two; a feature id uses slot `id & (inputs - 1)`. */
  readonly inputs: number;
  readonly hidden: number;
  /** Row of W1 for each slot, -1 when the slot has none. */
  readonly rowOf: Int32Array;
  /** rows * hidden, row-major. */
  readonly W1: Float32Array;
  readonly b1: Float32Array;
  readonly v: Float32Array;
  readonly b2: number;
};

/** Adds the first-layer contribution of sparse entries `ids[0, n)`, `vals[0, n)` to `h` (start from `m.b1`). */
export function mlpAccumulate(m: Mlp, ids: Int32Array, vals: Float32Array, n: number, h: Float32Array): void {
  const H = m.hidden;
  const mask = m.inputs - 1;
  const W1 = m.W1;
  const rowOf = m.rowOf;
  for (let i = 0; i < n; i++) {
    const r = rowOf[(ids[i] as number) & mask] as number;
    if (r < 0) continue;
    const o = r * H;
    const x = vals[i] as number;
    for (let j = 0; j < H; j++) h[j] = (h[j] as number) + (W1[o + j] as number) * x;
  }
}

/** Output logit from the first-layer sums `h`. */
export function mlpOutput(m: Mlp, h: Float32Array): number {
  let z = m.b2;
  for (let j = 0; j < m.hidden; j++) {
    const a = h[j] as number;
    if (a > 0) z += a * (m.v[j] as number);
  }
  return z;
}

/** Logit for sparse entries `ids[0, n)`, `vals[0, n)`; `h` is scratch of `hidden` floats. */
export function mlpLogit(m: Mlp, ids: Int32Array, vals: Float32Array, n: number, h: Float32Array): number {
  h.set(m.b1);
  mlpAccumulate(m, ids, vals, n, h);
  return mlpOutput(m, h);
}

export type MlpConfig = {
  /** log2 of the W1 rows. */
  readonly bits: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly lr: number;
  /** Decoupled weight decay per step (W1 rows only when touched). */
  readonly wd: number;
  readonly batch: number;
  /** Dropout rate on hidden units while training. */
  readonly drop: number;
  readonly seed: number;
};

export type MlpInstance = { readonly v: Vec; readonly y: 0 | 1; readonly w: number };

/** Trains; `probe(epoch, model)` is called after every `probeEvery`-th epoch and the last. */
export function trainMlp(inst: readonly MlpInstance[], c: MlpConfig, probe?: (epoch: number, m: Mlp) => void, probeEvery = 2): Mlp {
  // Dense while training (every slot has its row); `compactMlp` keeps the rows worth committing.
  const r = mulberry32(c.seed);
  const H = c.hidden;
  const inputs = 2 ** c.bits;
  const mask = inputs - 1;
  const n1 = inputs * H;
  const a1 = 0.5 / Math.sqrt(H);
  const m = { inputs, hidden: H, rowOf: Int32Array.from({ length: inputs }, (_, i) => i), W1: new Float32Array(n1), b1: new Float32Array(H), v: new Float32Array(H), b2: 0 };
  for (let i = 0; i < n1; i++) m.W1[i] = (r() * 2 - 1) * a1;
  for (let j = 0; j < H; j++) m.v[j] = (r() * 2 - 1) / Math.sqrt(H);
  const mW = new Float32Array(n1);
  const vW = new Float32Array(n1);
  const gW = new Float32Array(n1);
  const touched = new Uint8Array(inputs);
  const tList = new Int32Array(inputs);
  const mB = new Float64Array(H), vB = new Float64Array(H), mV = new Float64Array(H), vV = new Float64Array(H);
  const gB = new Float64Array(H), gV = new Float64Array(H);
  let mb2 = 0, vb2 = 0;
  const order = inst.map((_, i) => i);
  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  const keep = new Uint8Array(H);
  const b1a = 0.9, b2a = 0.999, eps = 1e-8;
  const sc = c.drop > 0 ? 1 / (1 - c.drop) : 1;
  const adam = (mm: number, vv: number, c1: number, c2: number): number => (c.lr * (mm / c1)) / (Math.sqrt(vv / c2) + eps);
  let step = 0;
  for (let ep = 1; ep <= c.epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let s = 0; s < order.length; s += c.batch) {
      let nt = 0;
      gB.fill(0);
      gV.fill(0);
      let gb2 = 0;
      const end = Math.min(order.length, s + c.batch);
      for (let k = s; k < end; k++) {
        const x = inst[order[k] as number] as MlpInstance;
        const ids = x.v.ids;
        const vals = x.v.vals;
        for (let j = 0; j < H; j++) keep[j] = c.drop > 0 && r() < c.drop ? 0 : 1;
        h.set(m.b1);
        for (let i = 0; i < ids.length; i++) {
          const o = ((ids[i] as number) & mask) * H;
          const xv = vals[i] as number;
          for (let j = 0; j < H; j++) h[j] = (h[j] as number) + (m.W1[o + j] as number) * xv;
        }
        let z = m.b2;
        for (let j = 0; j < H; j++) if ((h[j] as number) > 0 && keep[j] === 1) z += (h[j] as number) * sc * (m.v[j] as number);
        const g = ((1 / (1 + Math.exp(-z)) - x.y) * x.w) / (end - s);
        gb2 += g;
        for (let j = 0; j < H; j++) {
          const on = (h[j] as number) > 0 && keep[j] === 1;
          gV[j] = (gV[j] as number) + (on ? g * (h[j] as number) * sc : 0);
          dh[j] = on ? g * (m.v[j] as number) * sc : 0;
          gB[j] = (gB[j] as number) + (dh[j] as number);
        }
        for (let i = 0; i < ids.length; i++) {
          const id = (ids[i] as number) & mask;
          if (touched[id] === 0) {
            touched[id] = 1;
            tList[nt++] = id;
          }
          const o = id * H;
          const xv = vals[i] as number;
          for (let j = 0; j < H; j++) gW[o + j] = (gW[o + j] as number) + (dh[j] as number) * xv;
        }
      }
      step++;
      const c1 = 1 - Math.pow(b1a, step);
      const c2 = 1 - Math.pow(b2a, step);
      for (let t = 0; t < nt; t++) {
        const id = tList[t] as number;
        touched[id] = 0;
        const o = id * H;
        for (let j = 0; j < H; j++) {
          const q = o + j;
          const g = gW[q] as number;
          gW[q] = 0;
          const mm = (mW[q] = b1a * (mW[q] as number) + (1 - b1a) * g);
          const vv = (vW[q] = b2a * (vW[q] as number) + (1 - b2a) * g * g);
          m.W1[q] = (m.W1[q] as number) * (1 - c.lr * c.wd) - adam(mm, vv, c1, c2);
        }
      }
      for (let j = 0; j < H; j++) {
        mB[j] = b1a * (mB[j] as number) + (1 - b1a) * (gB[j] as number);
        vB[j] = b2a * (vB[j] as number) + (1 - b2a) * (gB[j] as number) ** 2;
        m.b1[j] = (m.b1[j] as number) - adam(mB[j] as number, vB[j] as number, c1, c2);
        mV[j] = b1a * (mV[j] as number) + (1 - b1a) * (gV[j] as number);
        vV[j] = b2a * (vV[j] as number) + (1 - b2a) * (gV[j] as number) ** 2;
        m.v[j] = (m.v[j] as number) - adam(mV[j] as number, vV[j] as number, c1, c2);
      }
      mb2 = b1a * mb2 + (1 - b1a) * gb2;
      vb2 = b2a * vb2 + (1 - b2a) * gb2 * gb2;
      m.b2 -= adam(mb2, vb2, c1, c2);
    }
    if (probe && (ep % probeEvery === 0 || ep === c.epochs)) probe(ep, m);
  }
  return m;
}

/** Slots present in at least `minDf` of `vecs` (ids folded to 2^bits). */
export function slotsByDf(vecs: readonly Vec[], bits: number, minDf: number): Uint8Array {
  const mask = 2 ** bits - 1;
  const df = new Uint32Array(mask + 1);
  for (const v of vecs) for (const id of v.ids) df[id & mask] = (df[id & mask] as number) + 1;
  return Uint8Array.from(df, (c) => (c >= minDf ? 1 : 0));
}

/** Entries of `v` whose slot is kept: what the compacted model sees of a text. */
export function pruneVec(v: Vec, keep: Uint8Array): Vec {
  const mask = keep.length - 1;
  let n = 0;
  for (const id of v.ids) if (keep[id & mask] === 1) n++;
  const ids = new Int32Array(n);
  const vals = new Float32Array(n);
  n = 0;
  v.ids.forEach((id, i) => {
    if (keep[id & mask] === 1) {
      ids[n] = id;
      vals[n++] = v.vals[i] as number;
    }
  });
  return { ids, vals };
}

/** The same network with W1 rows for kept slots only (a model trained on `pruneVec`-ed rows loses nothing). */
export function compactMlp(m: Mlp, keep: Uint8Array): Mlp {
  const H = m.hidden;
  const rowOf = new Int32Array(m.inputs).fill(-1);
  let rows = 0;
  for (let s = 0; s < m.inputs; s++) if (keep[s] === 1) rowOf[s] = rows++;
  const W1 = new Float32Array(rows * H);
  for (let s = 0; s < m.inputs; s++) {
    const r = rowOf[s] as number;
    if (r >= 0) W1.set(m.W1.subarray((m.rowOf[s] as number) * H, (m.rowOf[s] as number) * H + H), r * H);
  }
  return { ...m, rowOf, W1, b1: m.b1.slice(), v: m.v.slice() };
}
