/** @module A hashed linear model over sublinear-tf, L2-normalised n-gram vectors: whole text, and the max over windows for long texts. */
import type { HashedFeatures } from './hashed-features.js';
import { hashFeatures } from './hashed-features.js';
import { createDotScratch, tfDot, wholeRange, type DotScratch } from './tf-vector.js';
import { lowerBound, windowStarts, type WindowSpec } from './windows.js';

/** What a head reads: absent = character n-grams and words, `words` = word uni/bigrams only. */
export type HeadFeatures = 'words';

export type LinearHead = {
  readonly bias: number;
  readonly weights: Float32Array;
  readonly features?: HeadFeatures;
};

export type LinearModel = {
  /** Power of two; every head has this many weights. */
  readonly dim: number;
  /** Windows scored on texts longer than `size`; size 0 scores the whole text only. */
  readonly window: WindowSpec;
  /** Factor on word n-gram values before L2 normalisation (words against characters); absent = 1. */
  readonly wordWeight?: number;
  /** Character n-gram orders as a bit set; absent = 3, 4 and 5. */
  readonly charOrders?: number;
  readonly heads: readonly LinearHead[];
};

export type WindowScore = {
  /** Logit of the best span (the whole text or one window) for the head. */
  readonly logit: number;
  /** Folded-text offsets of that span. */
  readonly start: number;
  readonly end: number;
};

export type Scratch = DotScratch;

export function createScratch(dim: number): Scratch {
  return createDotScratch(dim);
}

export type WindowRange = { from: number; to: number; wordFrom: number; wordTo: number; start: number; end: number };

/** The feature index ranges of the text span `[start, end)` of `f`, in the character and the word block. */
export function rangeOf(f: HashedFeatures, start: number, end: number): WindowRange {
  return {
    from: lowerBound(f.pos, f.count, start),
    to: lowerBound(f.pos, f.count, end),
    wordFrom: lowerBound(f.wordPos, f.wordCount, start),
    wordTo: lowerBound(f.wordPos, f.wordCount, end),
    start,
    end,
  };
}

/** Feature index ranges of every window of `f`, for the character and the word block. */
export function windowRanges(f: HashedFeatures, spec: WindowSpec): WindowRange[] {
  if (spec.size <= 0 || f.length <= spec.size) return [];
  return windowStarts(f.length, spec).map((start) => rangeOf(f, start, Math.min(f.length, start + spec.size)));
}

/** Best span of head `k` over already-hashed features: the whole text, then each window of a long text. */
export function maxWindowScore(f: HashedFeatures, model: LinearModel, scratch: Scratch, k = 0): WindowScore {
  const head = model.heads[k];
  if (head === undefined) throw new Error('model has no such head');
  const ww = model.wordWeight ?? 1;
  let best: WindowScore = { logit: head.bias + tfDot(f, wholeRange(f), head.weights, scratch, ww), start: 0, end: f.length };
  for (const r of windowRanges(f, model.window)) {
    const z = head.bias + tfDot(f, r, head.weights, scratch, ww);
    if (z > best.logit) best = { logit: z, start: r.start, end: r.end };
  }
  return best;
}

export function scoreText(text: string, model: LinearModel, scratch: Scratch): WindowScore {
  return maxWindowScore(hashFeatures(text, model.dim - 1), model, scratch);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
