/** @module Deterministic logistic regression over sparse binary instances: AdaGrad, L2, class weights. */

export type Instance = {
  /** Distinct active feature ids of the first block; each has value `value` (its L2 normalisation 1/sqrt(n)). */
  readonly ids: Int32Array;
  readonly value: number;
  /** The second block (words), normalised on its own. */
  readonly ids2: Int32Array;
  readonly value2: number;
  readonly y: 0 | 1;
  readonly weight: number;
};

export type TrainOptions = {
  readonly dim: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
};

export type TrainedHead = { bias: number; weights: Float32Array };

/** mulberry32: a small seeded PRNG so that training is reproducible bit for bit. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(xs: T[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = t;
  }
}

export type Features2 = Pick<Instance, 'ids' | 'value' | 'ids2' | 'value2'>;

export function logit(head: TrainedHead, x: Features2): number {
  let s = 0;
  for (const id of x.ids) s += head.weights[id] as number;
  let s2 = 0;
  for (const id of x.ids2) s2 += head.weights[id] as number;
  return head.bias + s * x.value + s2 * x.value2;
}

/**
 * Trains (or continues training, when `init` is given) a head. The L2 penalty is applied lazily to the
 * touched weights only, which keeps an epoch proportional to the number of non-zeros.
 */
export function trainLogistic(data: readonly Instance[], opt: TrainOptions, init?: TrainedHead): TrainedHead {
  const w = init ? Float32Array.from(init.weights) : new Float32Array(opt.dim);
  const g2 = new Float64Array(opt.dim);
  let b = init ? init.bias : 0;
  let gb2 = 0;
  const rand = seededRandom(opt.seed);
  const order = data.map((_, i) => i);
  const eps = 1e-8;
  for (let ep = 0; ep < opt.epochs; ep++) {
    shuffleInPlace(order, rand);
    for (const i of order) {
      const x = data[i] as Instance;
      let s = 0;
      for (const id of x.ids) s += w[id] as number;
      let s2 = 0;
      for (const id of x.ids2) s2 += w[id] as number;
      const z = b + s * x.value + s2 * x.value2;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - x.y) * x.weight;
      const step = (ids: Int32Array, value: number): void => {
        for (const id of ids) {
          const gi = g * value + opt.l2 * (w[id] as number);
          g2[id] = (g2[id] as number) + gi * gi;
          w[id] = (w[id] as number) - (opt.learningRate * gi) / Math.sqrt((g2[id] as number) + eps);
        }
      };
      step(x.ids, x.value);
      step(x.ids2, x.value2);
      gb2 += g * g;
      b -= (opt.learningRate * g) / Math.sqrt(gb2 + eps);
    }
  }
  return { bias: b, weights: w };
}
