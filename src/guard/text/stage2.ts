/** @module Second stage of the injection model: combines the whole-text score with the best sentence score of a multi-sentence text. */

export type StageInput = {
  /** Whole-text (or best window) logit of the n-gram head. */
  readonly zWhole: number;
  /** Best segment logit of the sentence head ("inserted instruction vs carrier text"); -Infinity if none. */
  readonly zSent: number;
  readonly segments: number;
};

export type Stage2 = {
  readonly bias: number;
  readonly wWhole: number;
  readonly wSent: number;
  readonly wGate: number;
  /** The sentence score only counts in texts of at least this many segments: a carrier, not a one-line request. */
  readonly minSegments: number;
};

/** Identity on the whole-text logit: what the scanner does without a fitted second stage. */
export const DEFAULT_STAGE2: Stage2 = { bias: 0, wWhole: 1, wSent: 0, wGate: 0, minSegments: 3 };

/** The sentence logit is clamped to ±CLAMP, so its term is bounded and can be skipped when it cannot matter. */
export const STAGE2_CLAMP = 8;
const CLAMP = STAGE2_CLAMP;

function features(s: Stage2, x: StageInput): [number, number, number] {
  const gate = x.segments >= s.minSegments ? 1 : 0;
  const zs = Number.isFinite(x.zSent) ? Math.max(-CLAMP, Math.min(CLAMP, x.zSent)) : -CLAMP;
  return [Math.max(-3 * CLAMP, Math.min(3 * CLAMP, x.zWhole)), gate * (zs + CLAMP), gate];
}

export function stage2Logit(s: Stage2, x: StageInput): number {
  const [a, b, c] = features(s, x);
  return s.bias + s.wWhole * a + s.wSent * b + s.wGate * c;
}

/**
 * Weighted, class-balanced logistic regression over the three stage features by full-batch gradient
 * descent (deterministic; four parameters, so plain descent converges in a few thousand steps).
 */
export function fitStage2(xs: readonly StageInput[], ys: readonly (0 | 1)[], weights: readonly number[], minSegments = 3, iters = 4000): Stage2 {
  const base: Stage2 = { ...DEFAULT_STAGE2, minSegments };
  const feats = xs.map((x) => features(base, x));
  let wp = 0;
  let wn = 0;
  ys.forEach((y, i) => (y === 1 ? (wp += weights[i] as number) : (wn += weights[i] as number)));
  const cw = [0.5 / Math.max(1e-9, wn), 0.5 / Math.max(1e-9, wp)] as const;
  const p = [0, 1, 0, 0];
  const lr = [0.5, 0.05, 0.02, 0.5];
  for (let it = 0; it < iters; it++) {
    const g = [0, 0, 0, 0];
    feats.forEach((f, i) => {
      const y = ys[i] as 0 | 1;
      const z = (p[0] as number) + (p[1] as number) * f[0] + (p[2] as number) * f[1] + (p[3] as number) * f[2];
      const r = (1 / (1 + Math.exp(-z)) - y) * cw[y] * (weights[i] as number);
      g[0] = (g[0] as number) + r;
      g[1] = (g[1] as number) + r * f[0];
      g[2] = (g[2] as number) + r * f[1];
      g[3] = (g[3] as number) + r * f[2];
    });
    for (let j = 0; j < 4; j++) p[j] = (p[j] as number) - (lr[j] as number) * (g[j] as number);
  }
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  return { bias: r6(p[0] as number), wWhole: r6(p[1] as number), wSent: r6(p[2] as number), wGate: r6(p[3] as number), minSegments };
}
