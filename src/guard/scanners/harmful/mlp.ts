/**
 * @module A one-hidden-layer ReLU network over sparse hashed features: the harmful scanner's main head.
 * Feature ids are folded onto `inputs` rows of W1 (a power of two); each row holds `hidden` weights.
 * Committed form: W1 as int8 with one scale per hidden unit, base64; the rest as plain numbers.
 */

export type Mlp = {
  /** Rows of W1, a power of two; a feature id uses row `id & (inputs - 1)`. */
  readonly inputs: number;
  readonly hidden: number;
  /** inputs * hidden, row-major (row = input id). */
  readonly W1: Float32Array;
  readonly b1: Float32Array;
  readonly v: Float32Array;
  b2: number;
};

export type EncodedMlp = {
  readonly format: 'warden-mlp-v1';
  readonly inputs: number;
  readonly hidden: number;
  /** Per hidden unit: W1 column = q * scale. */
  readonly scale: readonly number[];
  /** int8 W1, row-major, base64. */
  readonly w1: string;
  readonly b1: readonly number[];
  readonly v: readonly number[];
  readonly b2: number;
};

/** Adds the first-layer contribution of sparse entries `ids[0, n)`, `vals[0, n)` to `h` (start from `m.b1`). */
export function mlpAccumulate(m: Mlp, ids: Int32Array, vals: Float32Array, n: number, h: Float32Array): void {
  const H = m.hidden;
  const mask = m.inputs - 1;
  const W1 = m.W1;
  for (let i = 0; i < n; i++) {
    const o = ((ids[i] as number) & mask) * H;
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

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return btoa(bin);
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function encodeMlp(m: Mlp): EncodedMlp {
  const H = m.hidden;
  const scale = new Array<number>(H).fill(0);
  for (let i = 0; i < m.W1.length; i++) scale[i % H] = Math.max(scale[i % H] as number, Math.abs(m.W1[i] as number));
  for (let j = 0; j < H; j++) scale[j] = (scale[j] as number) === 0 ? 1 : (scale[j] as number) / 127;
  const q = new Int8Array(m.W1.length);
  for (let i = 0; i < m.W1.length; i++) q[i] = Math.round((m.W1[i] as number) / (scale[i % H] as number));
  return {
    format: 'warden-mlp-v1',
    inputs: m.inputs,
    hidden: H,
    scale,
    w1: toBase64(new Uint8Array(q.buffer)),
    b1: [...m.b1].map(r6),
    v: [...m.v].map(r6),
    b2: r6(m.b2),
  };
}

export function decodeMlp(e: EncodedMlp): Mlp {
  const H = e.hidden;
  const bin = atob(e.w1);
  if (bin.length !== e.inputs * H) throw new Error(`mlp W1 has ${bin.length} weights, expected ${e.inputs * H}`);
  if ((e.inputs & (e.inputs - 1)) !== 0) throw new Error('mlp inputs must be a power of two');
  const W1 = new Float32Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    const b = bin.charCodeAt(i);
    W1[i] = (b >= 128 ? b - 256 : b) * (e.scale[i % H] as number);
  }
  return { inputs: e.inputs, hidden: H, W1, b1: Float32Array.from(e.b1), v: Float32Array.from(e.v), b2: e.b2 };
}
