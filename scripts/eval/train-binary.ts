/** @module Multiple-instance training of a windowed hashed linear head, with grouped cross-validation. */
import { hashFeatures } from '../../src/guard/text/hashed-features.js';
import { createScratch, distinctIds, windowRanges, type LinearModel } from '../../src/guard/text/linear-model.js';
import { trainLogistic, logit, type Features2, type Instance, type TrainedHead } from '../../src/guard/text/logistic-trainer.js';
import { looksLikeData, markDataLines } from '../../src/guard/text/data-context.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import type { WindowSpec } from '../../src/guard/text/windows.js';
import { foldOf, groupByLongLines } from './groups.js';

export type BinaryRow = { readonly text: string; readonly y: 0 | 1; readonly source: string; readonly label: string };

export type TrainConfig = {
  readonly dim: number;
  readonly window: WindowSpec;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  /** Rounds of re-picking each positive row's best window (multiple-instance learning). */
  readonly milRounds: number;
};

/** A row as windows of distinct feature ids, each with value 1/sqrt(n). */
export type RowWindows = { readonly windows: readonly Features2[] };

export function featurizeRows(rows: readonly BinaryRow[], dim: number, window: WindowSpec, dataContext: boolean): RowWindows[] {
  const scratch = createScratch(dim);
  return rows.map((r) => {
    const t = normalizeForScan(r.text);
    const dc = dataContext && looksLikeData(t);
    const f = hashFeatures(dc ? markDataLines(t) : t, dim - 1, dc);
    const buf = new Int32Array(Math.max(f.count, f.wordCount));
    const windows = windowRanges(f, window).map((w) => {
      const n = distinctIds(f.ids, w.from, w.to, scratch, buf);
      const ids = buf.slice(0, n);
      const n2 = distinctIds(f.wordIds, w.wordFrom, w.wordTo, scratch, buf);
      return { ids, value: n === 0 ? 0 : 1 / Math.sqrt(n), ids2: buf.slice(0, n2), value2: n2 === 0 ? 0 : 1 / Math.sqrt(n2) };
    });
    return { windows };
  });
}

export function rowLogit(head: TrainedHead, rw: RowWindows): number {
  let best = -Infinity;
  for (const w of rw.windows) best = Math.max(best, logit(head, w));
  return best;
}

/**
 * Negatives contribute every window (the max over windows must stay low); positives contribute all
 * windows in round 0, then only their current best window, so carrier text around a buried instruction
 * is not taught as "attack". Row weights are class-balanced and split over a row's windows by 1/sqrt(n).
 */
export function trainHead(rows: readonly BinaryRow[], feats: readonly RowWindows[], cfg: TrainConfig): TrainedHead {
  const nPos = rows.filter((r) => r.y === 1).length;
  const nNeg = rows.length - nPos;
  const cw = [rows.length / (2 * Math.max(1, nNeg)), rows.length / (2 * Math.max(1, nPos))] as const;
  const build = (head: TrainedHead | undefined): Instance[] => {
    const data: Instance[] = [];
    rows.forEach((r, i) => {
      const rw = feats[i] as RowWindows;
      const ws = rw.windows;
      if (r.y === 0 || head === undefined) {
        const wt = cw[r.y] / Math.sqrt(ws.length);
        for (const w of ws) data.push({ ...w, y: r.y, weight: wt });
      } else {
        let best = ws[0];
        let bz = -Infinity;
        for (const w of ws) {
          const z = logit(head, w);
          if (z > bz) {
            bz = z;
            best = w;
          }
        }
        if (best) data.push({ ...best, y: 1, weight: cw[1] });
      }
    });
    return data;
  };
  const opt = { dim: cfg.dim, epochs: cfg.epochs, learningRate: cfg.learningRate, l2: cfg.l2, seed: cfg.seed };
  let head = trainLogistic(build(undefined), opt);
  for (let r = 0; r < cfg.milRounds; r++) head = trainLogistic(build(head), { ...opt, seed: cfg.seed + r + 1 });
  return head;
}

export function toModel(head: TrainedHead, cfg: TrainConfig): LinearModel {
  return { dim: cfg.dim, window: cfg.window, heads: [{ bias: head.bias, weights: head.weights }] };
}

/**
 * Out-of-fold logits over `rows` by k-fold CV, folds by groups of rows sharing long lines. Rows with
 * `trainOnly` set (extra negatives from another task) are used for training but get no OOF score.
 */
export function crossValidate(
  rows: readonly BinaryRow[],
  feats: readonly RowWindows[],
  cfg: TrainConfig,
  folds: number,
): number[] {
  const groups = groupByLongLines(rows.map((r) => r.text));
  const fold = groups.map((g) => foldOf(g, folds, cfg.seed));
  const oof = new Array<number>(rows.length).fill(0);
  for (let k = 0; k < folds; k++) {
    const tr: BinaryRow[] = [];
    const tf: RowWindows[] = [];
    rows.forEach((r, i) => {
      if (fold[i] !== k) {
        tr.push(r);
        tf.push(feats[i] as RowWindows);
      }
    });
    const head = trainHead(tr, tf, { ...cfg, seed: cfg.seed + 100 * k });
    rows.forEach((_, i) => {
      if (fold[i] === k) oof[i] = rowLogit(head, feats[i] as RowWindows);
    });
  }
  return oof;
}
