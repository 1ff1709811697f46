/** @module Binary detection metrics and threshold selection under a false-positive budget. */

export type BinaryMetrics = { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number; f1: number; fpr: number };

export function binaryMetrics(pred: readonly boolean[], gold: readonly boolean[]): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  pred.forEach((p, i) => {
    const g = gold[i] === true;
    if (p && g) tp++;
    else if (p) fp++;
    else if (g) fn++;
    else tn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const fpr = fp + tn === 0 ? 0 : fp / (fp + tn);
  return { tp, fp, fn, tn, precision, recall, f1, fpr };
}

/**
 * Lowest threshold whose false-positive rate on `scores` of negatives is at most `maxFpr`: the
 * threshold sits just above the k-th highest negative score, k = floor(maxFpr * #neg).
 */
export function thresholdForFpr(negScores: readonly number[], maxFpr: number): number {
  const s = [...negScores].sort((a, b) => b - a);
  const k = Math.floor(maxFpr * s.length);
  const at = s[k];
  return at === undefined ? 0 : at + 1e-6;
}

export function round(x: number, d = 4): number {
  const m = 10 ** d;
  return Math.round(x * m) / m;
}
