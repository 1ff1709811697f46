/** @module Second stage of the injection model: combines the whole-text score with the sentence scores of a multi-sentence text. */

export type StageInput = {
  /** Whole-text (or best window) logit of the n-gram head. */
  readonly zWhole: number;
  /** Best segment logit of the sentence head ("inserted instruction vs carrier text"); -Infinity if none. */
  readonly zSent: number;
  readonly segments: number;
  /** Mean of the clamped segment logits (absent: -CLAMP). */
  readonly zSentMean?: number;
  /** Second-best clamped segment logit (absent: -CLAMP). */
  readonly zSentSecond?: number;
};

export type Stage2 = {
  readonly bias: number;
  readonly wWhole: number;
  readonly wSent: number;
  readonly wGate: number;
  /** The sentence score only counts in texts of at least this many segments: a carrier, not a one-line request. */
  readonly minSegments: number;
  /** Weight of the mean segment logit (how instruction-like the text is throughout); absent = 0. */
  readonly wMean?: number;
  /** Weight of best minus second-best segment logit (one sentence standing out from its context); absent = 0. */
  readonly wGap?: number;
};

/** Identity on the whole-text logit: what the scanner does without a fitted second stage. */
export const DEFAULT_STAGE2: Stage2 = { bias: 0, wWhole: 1, wSent: 0, wGate: 0, minSegments: 3 };

/** The sentence logit is clamped to ±CLAMP, so its term is bounded and can be skipped when it cannot matter. */
export const STAGE2_CLAMP = 8;
const CLAMP = STAGE2_CLAMP;

const clampSent = (z: number | undefined): number => (z !== undefined && Number.isFinite(z) ? Math.max(-CLAMP, Math.min(CLAMP, z)) : -CLAMP);

function features(s: Stage2, x: StageInput): [number, number, number, number, number] {
  const gate = x.segments >= s.minSegments ? 1 : 0;
  const zs = clampSent(x.zSent);
  const second = Math.min(zs, clampSent(x.zSentSecond));
  return [Math.max(-3 * CLAMP, Math.min(3 * CLAMP, x.zWhole)), gate * (zs + CLAMP), gate, gate * (clampSent(x.zSentMean) + CLAMP), gate * (zs - second)];
}

export function stage2Logit(s: Stage2, x: StageInput): number {
  const [a, b, c, d, e] = features(s, x);
  return s.bias + s.wWhole * a + s.wSent * b + s.wGate * c + (s.wMean ?? 0) * d + (s.wGap ?? 0) * e;
}

/**
 * The range of `stage2Logit` over every possible set of segment scores, for a text with `segments`
 * segments. With u = best + CLAMP in [0, 2·CLAMP], the mean term lies in [u/n, u] and the gap in [0, u], so
 * the sentence terms are u times one of four corner coefficients. When the threshold is outside the range,
 * the sentence pass cannot change the verdict.
 */
export function stage2Bounds(s: Stage2, zWhole: number, segments: number): { lo: number; hi: number } {
  const base = stage2Logit(s, { zWhole, zSent: -CLAMP, segments, zSentMean: -CLAMP, zSentSecond: -CLAMP });
  if (segments < s.minSegments) return { lo: base, hi: base };
  const wm = s.wMean ?? 0;
  const wg = s.wGap ?? 0;
  let cmax = -Infinity;
  let cmin = Infinity;
  for (const m of [1 / Math.max(1, segments), 1])
    for (const g of [0, 1]) {
      const c = s.wSent + wm * m + wg * g;
      cmax = Math.max(cmax, c);
      cmin = Math.min(cmin, c);
    }
  return { lo: base + Math.min(0, 2 * CLAMP * cmin), hi: base + Math.max(0, 2 * CLAMP * cmax) };
}

/** Mean and best two of clamped segment logits, as the stage features take them. */
export function sentenceSummary(scores: ArrayLike<number>): { zSent: number; zSentMean: number; zSentSecond: number } {
  let best = -Infinity;
  let second = -Infinity;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const z = scores[i] as number;
    const c = clampSent(z);
    sum += c;
    if (z > best) {
      second = best;
      best = z;
    } else if (z > second) second = z;
  }
  return { zSent: best, zSentMean: scores.length > 0 ? sum / scores.length : -CLAMP, zSentSecond: second };
}

/**
 * Weighted, class-balanced logistic regression over the stage features by full-batch gradient descent
 * (deterministic; a handful of parameters, so plain descent converges in a few thousand steps). With
 * `extended` false the mean and gap features are left out (weights absent), as in the first version.
 */
export function fitStage2(xs: readonly StageInput[], ys: readonly (0 | 1)[], weights: readonly number[], minSegments = 3, iters = 4000, extended = false): Stage2 {
  const base: Stage2 = { ...DEFAULT_STAGE2, minSegments };
  const feats = xs.map((x) => features(base, x));
  const nf = extended ? 5 : 3;
  let wp = 0;
  let wn = 0;
  ys.forEach((y, i) => (y === 1 ? (wp += weights[i] as number) : (wn += weights[i] as number)));
  const cw = [0.5 / Math.max(1e-9, wn), 0.5 / Math.max(1e-9, wp)] as const;
  const p = [0, 1, 0, 0, 0, 0];
  const lr = [0.5, 0.05, 0.02, 0.5, 0.02, 0.02];
  for (let it = 0; it < iters; it++) {
    const g = [0, 0, 0, 0, 0, 0];
    feats.forEach((f, i) => {
      const y = ys[i] as 0 | 1;
      let z = p[0] as number;
      for (let j = 0; j < nf; j++) z += (p[j + 1] as number) * (f[j] as number);
      const r = (1 / (1 + Math.exp(-z)) - y) * cw[y] * (weights[i] as number);
      g[0] = (g[0] as number) + r;
      for (let j = 0; j < nf; j++) g[j + 1] = (g[j + 1] as number) + r * (f[j] as number);
    });
    for (let j = 0; j <= nf; j++) p[j] = (p[j] as number) - (lr[j] as number) * (g[j] as number);
  }
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  const out: Stage2 = { bias: r6(p[0] as number), wWhole: r6(p[1] as number), wSent: r6(p[2] as number), wGate: r6(p[3] as number), minSegments };
  return extended ? { ...out, wMean: r6(p[4] as number), wGap: r6(p[5] as number) } : out;
}
