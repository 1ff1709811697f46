/** @module Training a hashed linear head (full-batch L-BFGS, balanced classes) and grouped cross-validation. */
import { CHAR_ORDERS_345, hashFeatures } from '../../src/guard/text/hashed-features.js';
import { trainLbfgs, type CsrRows } from '../../src/guard/text/lbfgs.js';
import { windowRanges, type HeadFeatures, type LinearModel } from '../../src/guard/text/linear-model.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { createTfScratch, tfVector, wholeRange, type TfRange } from '../../src/guard/text/tf-vector.js';
import type { WindowSpec } from '../../src/guard/text/windows.js';
import { dataDir, flagNumber, type Flags } from './dataset.js';
import { foldOf, groupByLongLines } from './groups.js';

export type BinaryRow = { readonly text: string; readonly y: 0 | 1; readonly source: string; readonly label: string };

export type TrainConfig = {
  readonly dim: number;
  readonly window: WindowSpec;
  /** L2 penalty relative to the summed, class-balanced loss. */
  readonly l2: number;
  readonly maxIter: number;
  readonly seed: number;
  /** Weight of a negative row's windows (each), so that the max over windows stays low on benign text. */
  readonly negWindowWeight: number;
  /** Factor on word n-gram values against character n-grams, before normalisation. */
  readonly wordWeight: number;
  /** Character n-gram orders as a bit set (`CHAR_ORDERS_345` when absent). */
  readonly charOrders?: number;
  /** NB-LR feature scaling (Wang & Manning 2012): 0 = off, else the exponent on the log-count ratio's magnitude. */
  readonly nb?: number;
  /** Smoothing of the NB counts (added to each feature's summed values per class). */
  readonly nbAlpha?: number;
  readonly log?: (m: string) => void;
};

/** `--orders 35` -> the bit set of character n-gram orders 3 and 5. */
export function ordersOf(digits: string): number {
  let b = 0;
  for (const d of digits) b |= 1 << Number(d);
  return b;
}

/** What both training commands share: data folder, seed, folds, a timed log, and the model settings from flags. */
export function trainingSetup(name: string, flags: Flags, defaults: { readonly wordWeight: number; readonly bits?: number; readonly orders?: string }) {
  const t0 = Date.now();
  const seed = flagNumber(flags, 'seed', 20240601);
  const log = (m: string): void => void process.stderr.write(`[${name} ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
  const cfg: TrainConfig = {
    dim: 2 ** flagNumber(flags, 'bits', defaults.bits ?? 18),
    window: { size: flagNumber(flags, 'window', 0), stride: flagNumber(flags, 'stride', 200) },
    l2: flagNumber(flags, 'l2', 0.01),
    maxIter: flagNumber(flags, 'iter', 300),
    seed,
    negWindowWeight: flagNumber(flags, 'neg-window-weight', 0),
    wordWeight: flagNumber(flags, 'word-weight', defaults.wordWeight),
    nb: flagNumber(flags, 'nb', 0),
    nbAlpha: flagNumber(flags, 'nb-alpha', 1),
    ...(typeof flags['orders'] === 'string' ? { charOrders: ordersOf(flags['orders']) } : defaults.orders !== undefined ? { charOrders: ordersOf(defaults.orders) } : {}),
    log,
  };
  return { dir: dataDir(flags), seed, folds: flagNumber(flags, 'folds', 5), log, cfg };
}

export type Vec = { readonly ids: Int32Array; readonly vals: Float32Array };
export type RowVecs = { readonly whole: Vec; readonly windows: readonly Vec[] };
export type TrainedHead = { bias: number; weights: Float32Array; features?: HeadFeatures };

export function featurizeText(text: string, dim: number, window: WindowSpec, wordWeight = 1, scratch = createTfScratch(dim), orders = CHAR_ORDERS_345): RowVecs {
  const f = hashFeatures(normalizeForScan(text), dim - 1, false, undefined, orders);
  const take = (r: TfRange): Vec => {
    const v = tfVector(f, r, scratch, wordWeight);
    return { ids: v.ids.slice(0, v.n), vals: v.vals.slice(0, v.n) };
  };
  return { whole: take(wholeRange(f)), windows: windowRanges(f, window).map(take) };
}

export function featurizeRows(rows: readonly BinaryRow[], dim: number, window: WindowSpec, wordWeight = 1, orders = CHAR_ORDERS_345): RowVecs[] {
  const scratch = createTfScratch(dim);
  return rows.map((r) => featurizeText(r.text, dim, window, wordWeight, scratch, orders));
}

function vecLogit(head: TrainedHead, v: Vec): number {
  let z = head.bias;
  for (let i = 0; i < v.ids.length; i++) z += (head.weights[v.ids[i] as number] as number) * (v.vals[i] as number);
  return z;
}

/** What the scanner computes: the whole text, or its best window when that is higher. */
export function rowLogit(head: TrainedHead, rv: RowVecs): number {
  let best = vecLogit(head, rv.whole);
  for (const w of rv.windows) best = Math.max(best, vecLogit(head, w));
  return best;
}

/**
 * Each row contributes its whole-text vector with a class-balanced weight; negative rows also contribute
 * their windows (the scanner takes a max over windows, so no benign window may score high).
 */
/** `extra`: instances added as they are, outside the class balance (weighted negatives from another corpus). */
export function trainHead(rows: readonly BinaryRow[], feats: readonly RowVecs[], cfg: TrainConfig, extra: readonly WeightedVec[] = []): TrainedHead {
  const nPos = rows.filter((r) => r.y === 1).length;
  const nNeg = rows.length - nPos;
  const cw = [rows.length / (2 * Math.max(1, nNeg)), rows.length / (2 * Math.max(1, nPos))] as const;
  const inst: { v: Vec; y: 0 | 1; w: number }[] = [];
  rows.forEach((r, i) => {
    const rv = feats[i] as RowVecs;
    inst.push({ v: rv.whole, y: r.y, w: cw[r.y] });
    if (r.y === 0 && cfg.negWindowWeight > 0) for (const w of rv.windows) inst.push({ v: w, y: 0, w: cw[0] * cfg.negWindowWeight });
  });
  inst.push(...extra);
  return trainInstances(inst, cfg);
}

export type WeightedVec = { readonly v: Vec; readonly y: 0 | 1; readonly w: number };

/**
 * Per-feature scale |log((p_j/|p|) / (q_j/|q|))|^gamma from the class-weighted summed feature values
 * (p positive, q negative, each smoothed by alpha), normalised to mean 1 over the features seen.
 */
function nbScale(inst: readonly WeightedVec[], dim: number, gamma: number, alpha: number): Float32Array {
  const p = new Float64Array(dim);
  const q = new Float64Array(dim);
  const seen = new Uint8Array(dim);
  for (const x of inst) {
    const t = x.y === 1 ? p : q;
    for (let i = 0; i < x.v.ids.length; i++) {
      const id = x.v.ids[i] as number;
      t[id] = (t[id] as number) + x.w * (x.v.vals[i] as number);
      seen[id] = 1;
    }
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < dim; j++) {
    if (seen[j] === 0) continue;
    sp += (p[j] as number) + alpha;
    sq += (q[j] as number) + alpha;
  }
  const s = new Float32Array(dim);
  let sum = 0;
  let n = 0;
  for (let j = 0; j < dim; j++) {
    if (seen[j] === 0) continue;
    const r = Math.abs(Math.log((((p[j] as number) + alpha) / sp) / (((q[j] as number) + alpha) / sq)));
    const v = Math.pow(r, gamma);
    s[j] = v;
    sum += v;
    n++;
  }
  const inv = n > 0 && sum > 0 ? n / sum : 1;
  for (let j = 0; j < dim; j++) s[j] = (s[j] as number) * inv;
  return s;
}

export function trainInstances(inst: readonly WeightedVec[], cfg: TrainConfig): TrainedHead {
  const nb = cfg.nb ?? 0;
  if (nb > 0) {
    const scale = nbScale(inst, cfg.dim, nb, cfg.nbAlpha ?? 1);
    const scaled = inst.map((x) => ({ ...x, v: { ids: x.v.ids, vals: x.v.vals.map((v, i) => v * (scale[x.v.ids[i] as number] as number)) } }));
    const h = trainInstances(scaled, { ...cfg, nb: 0 });
    const weights = h.weights.map((w, j) => w * (scale[j] as number));
    return { bias: h.bias, weights };
  }
  let nnz = 0;
  for (const x of inst) nnz += x.v.ids.length;
  const ptr = new Int32Array(inst.length + 1);
  const ids = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  let k = 0;
  inst.forEach((x, i) => {
    ids.set(x.v.ids, k);
    vals.set(x.v.vals, k);
    k += x.v.ids.length;
    ptr[i + 1] = k;
  });
  const data: CsrRows = { ptr, ids, vals, y: Uint8Array.from(inst.map((x) => x.y)), weight: Float64Array.from(inst.map((x) => x.w)) };
  const r = trainLbfgs(data, { dim: cfg.dim, l2: cfg.l2, maxIter: cfg.maxIter, tol: 1e-6, ...(cfg.log ? { log: cfg.log } : {}) });
  cfg.log?.(`trained on ${inst.length} instances: loss ${r.loss.toFixed(4)} after ${r.iterations} iterations`);
  return { bias: r.bias, weights: r.weights };
}

export function toModel(heads: readonly TrainedHead[], cfg: TrainConfig): LinearModel {
  return { dim: cfg.dim, window: cfg.window, wordWeight: cfg.wordWeight, ...(cfg.charOrders === undefined ? {} : { charOrders: cfg.charOrders }), heads: heads.map((h) => ({ bias: h.bias, weights: h.weights, ...(h.features === undefined ? {} : { features: h.features }) })) };
}

/**
 * Out-of-fold logits by k-fold CV, folds by groups of rows sharing long lines (same carrier or template).
 * Rows for which `scored` is false are used for training only and get NaN.
 */
export function crossValidate(
  rows: readonly BinaryRow[],
  feats: readonly RowVecs[],
  cfg: TrainConfig,
  folds: number,
  scored: (r: BinaryRow) => boolean = () => true,
): number[] {
  const groups = groupByLongLines(rows.map((r) => r.text));
  const fold = groups.map((g) => foldOf(g, folds, cfg.seed));
  const oof = new Array<number>(rows.length).fill(NaN);
  for (let k = 0; k < folds; k++) {
    const tr: BinaryRow[] = [];
    const tf: RowVecs[] = [];
    rows.forEach((r, i) => {
      if (fold[i] !== k) {
        tr.push(r);
        tf.push(feats[i] as RowVecs);
      }
    });
    const { log: _log, ...quiet } = cfg;
    const head = trainHead(tr, tf, quiet);
    rows.forEach((r, i) => {
      if (fold[i] === k && scored(r)) oof[i] = rowLogit(head, feats[i] as RowVecs);
    });
    cfg.log?.(`fold ${k + 1}/${folds} done`);
  }
  return oof;
}
