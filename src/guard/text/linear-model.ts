/** @module A hashed linear model scored over windows: binary features, L2-normalised, max over windows. */
import type { HashedFeatures } from './hashed-features.js';
import { hashFeatures } from './hashed-features.js';
import { lowerBound, windowStarts, type WindowSpec } from './windows.js';

export type LinearHead = {
  readonly bias: number;
  readonly weights: Float32Array;
};

export type LinearModel = {
  /** Power of two; every head has this many weights. */
  readonly dim: number;
  readonly window: WindowSpec;
  readonly heads: readonly LinearHead[];
};

export type WindowScore = {
  /** Logit of the best window for head 0. */
  readonly logit: number;
  /** Folded-text offsets of that window. */
  readonly start: number;
  readonly end: number;
};

/**
 * Reusable scratch for de-duplicating features in a window. One per scorer instance, never shared across
 * modules: a stamp array avoids clearing `dim` entries per window.
 */
export type Scratch = { stamps: Int32Array; epoch: number };

export function createScratch(dim: number): Scratch {
  return { stamps: new Int32Array(dim), epoch: 0 };
}

function nextEpoch(s: Scratch): number {
  if (s.epoch >= 0x7ffffff0) {
    s.stamps.fill(0);
    s.epoch = 0;
  }
  s.epoch += 1;
  return s.epoch;
}

/** Distinct ids of `ids[from, to)`: writes them into `out`, returns how many. */
export function distinctIds(ids: Int32Array, from: number, to: number, scratch: Scratch, out: Int32Array): number {
  const e = nextEpoch(scratch);
  const st = scratch.stamps;
  let n = 0;
  for (let k = from; k < to; k++) {
    const id = ids[k] as number;
    if (st[id] !== e) {
      st[id] = e;
      out[n++] = id;
    }
  }
  return n;
}

export type WindowRange = { from: number; to: number; wordFrom: number; wordTo: number; start: number; end: number };

/** Feature index ranges of every window of `f`, for the character and the word block. */
export function windowRanges(f: HashedFeatures, spec: WindowSpec): WindowRange[] {
  return windowStarts(f.length, spec).map((start) => {
    const end = Math.min(f.length, start + spec.size);
    return {
      from: lowerBound(f.pos, f.count, start),
      to: lowerBound(f.pos, f.count, end),
      wordFrom: lowerBound(f.wordPos, f.wordCount, start),
      wordTo: lowerBound(f.wordPos, f.wordCount, end),
      start,
      end,
    };
  });
}

/** sum(w) / sqrt(#distinct) over `ids[from, to)`. */
function blockScore(ids: Int32Array, from: number, to: number, w: Float32Array, scratch: Scratch): number {
  const e = nextEpoch(scratch);
  const st = scratch.stamps;
  let sum = 0;
  let n = 0;
  for (let k = from; k < to; k++) {
    const id = ids[k] as number;
    if (st[id] !== e) {
      st[id] = e;
      sum += w[id] as number;
      n++;
    }
  }
  return n === 0 ? 0 : sum / Math.sqrt(n);
}

/** Logit of one head on one window: each block (characters, words) is L2-normalised on its own. */
export function windowLogit(f: HashedFeatures, r: WindowRange, head: LinearHead, scratch: Scratch): number {
  return head.bias + blockScore(f.ids, r.from, r.to, head.weights, scratch) + blockScore(f.wordIds, r.wordFrom, r.wordTo, head.weights, scratch);
}

/** Best window of head 0 over already-hashed features. */
export function maxWindowScore(f: HashedFeatures, model: LinearModel, scratch: Scratch): WindowScore {
  const head = model.heads[0];
  if (head === undefined) throw new Error('model has no head');
  let best: WindowScore = { logit: -Infinity, start: 0, end: 0 };
  for (const r of windowRanges(f, model.window)) {
    const z = windowLogit(f, r, head, scratch);
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
