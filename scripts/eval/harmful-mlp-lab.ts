/**
 * @module Experiment (not part of the product): a one-hidden-layer ReLU MLP over the harmful scanner's own
 * sparse features (harmfulVector: hashed char + word n-grams, stem uni/bigrams, lexicon block), against the
 * committed linear model, by grouped k-fold CV on harmful/train (+ injection-task benign rows as extra
 * negatives for training only), then dev last. Deterministic given --seed.
 *
 *   npx tsx scripts/eval/harmful-mlp-lab.ts --data /work/shared/data [--hidden 32] [--mlp-bits 16]
 *     [--epochs 12] [--lr 0.003] [--wd 1e-5] [--batch 32] [--drop 0] [--min-df 1] [--seed N] [--fpr 0.025]
 *     [--linear 0] [--dev]
 *
 * Results (2026-11-27; 5 grouped folds on train, 3314 task rows + 230 injection-task benign rows for
 * training only; threshold at 2.5% FPR on the out-of-fold benign task rows; Adam lr 0.003, batch 32, wd 1e-5):
 *   linear (the committed model, same folds)       P .971 R .619 F1 .756
 *   MLP 2^15 slots x 32, dropout .3                 F1 .759-.774 over epochs 2..12
 *   MLP 2^16 x 32, no dropout                       F1 .767-.777 (epochs 2..10); + linear (standardised sum) .772-.777
 *   MLP 2^16 x 32, wd 1e-4, lr 0.001                F1 .676-.787 (rising to epoch 16)
 *   MLP 2^16 x 64, dropout .3                       F1 .761-.781
 *   MLP 2^18 x 64, dropout .3                       F1 .770-.800 (best .800 at epoch 10: R .678); seed 7: .755-.790 (.790 at 10)
 *   MLP 2^18 x 32, dropout .3, min-df 3 (~115k rows) F1 .742-.785 (best at epoch 12)
 *   MLP 2^18 x 64, dropout .3, min-df 10 (~40k rows, epoch 10; via a train:harmful variant) F1 .751
 * Only the unpruned 2^18 x 64 network (16.8M first-layer weights, ~208k slots seen in training: over 13 MB
 * even as int8) clears +0.03 F1 over the linear model; pruned to a committable size (min-df 10, 2.5 MB) it
 * is no better than the linear model, and min-df 3 x 32 (3.7 MB int8) gains +.029 at its best epoch of six.
 * Dev (trained on all of train, CV threshold): 2^18 x 64 epoch 10 P .968 R .727 F1 .830 FPR 2.9%;
 * 2^18 x 32 min-df 3 epoch 12 P .986 R .727 F1 .837 FPR 1.3% (committed linear model: P .975 R .665 F1 .791 FPR 2.1%).
 * Not adopted (the brief asked for >= +0.03 CV F1 at a few MB). The gains are recall on donotanswer, harmbench, strongreject, gptfuzz questions; FPR on
 * openai_moderation benign stays at 8-10%, as with the linear model.
 */
import { resolve } from 'node:path';
import { createFeatureScratch, harmfulVector } from '../../src/guard/scanners/harmful/features.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { createTfScratch } from '../../src/guard/text/tf-vector.js';
import { dataDir, flagNumber, parseFlags, readClassRows } from './dataset.js';
import { foldOf, groupByLongLines } from './groups.js';
import { binaryMetrics, thresholdForFpr } from './metrics.js';
import { mlpLogit, pruneVec, slotsByDf, trainMlp, type Mlp, type MlpConfig } from './train-mlp.js';
import { trainInstances, type Vec, type WeightedVec } from './train-binary.js';

const flags = parseFlags(process.argv.slice(2));
const dir = dataDir(flags);
const dim = 2 ** 18;
const seed = flagNumber(flags, 'seed', 20240601);
const fpr = flagNumber(flags, 'fpr', 0.025);
const folds = flagNumber(flags, 'folds', 5);
const H = flagNumber(flags, 'hidden', 32);
const mlpBits = flagNumber(flags, 'mlp-bits', 16);
const epochs = flagNumber(flags, 'epochs', 12);
const lr = flagNumber(flags, 'lr', 0.003);
const wd = flagNumber(flags, 'wd', 1e-5);
const batch = flagNumber(flags, 'batch', 32);
const drop = flagNumber(flags, 'drop', 0);
const evalEvery = flagNumber(flags, 'eval-every', 2);
/** Keep only feature rows present in at least this many training rows (the rest are zero: a small committed W1). */
const minDf = flagNumber(flags, 'min-df', 1);
const t0 = Date.now();
const log = (m: string): void => void process.stderr.write(`[mlp ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

type Row = { text: string; y: 0 | 1; source: string; label: string; extra: boolean };
function rows(split: string): Row[] {
  const main: Row[] = readClassRows(resolve(dir, 'harmful', `${split}.jsonl`)).map((r) => ({ text: r.text, y: r.label === 'harmful' ? 1 : 0, source: r.source, label: r.label, extra: false }));
  const seen = new Set(main.map((r) => r.text));
  for (const r of readClassRows(resolve(dir, 'injection', `${split}.jsonl`))) if (r.label === 'benign' && !seen.has(r.text)) main.push({ text: r.text, y: 0, source: `i:${r.source}`, label: r.label, extra: true });
  return main;
}

const tf = createTfScratch(dim);
const fs = createFeatureScratch();
/** Production features (scripts/train-harmful.ts defaults: word weight 15, stem 1, lexicon 0.5). */
const vec = (t: string): Vec => harmfulVector(normalizeForScan(t), dim, 15, { stem: 1, lex: 0.5 }, tf, fs);

/** Class-balanced instance weights, as trainHead. */
function classWeights(rs: readonly Row[]): number[] {
  const nPos = rs.filter((r) => r.y === 1).length;
  const cw = [rs.length / (2 * (rs.length - nPos)), rs.length / (2 * nPos)];
  return rs.map((r) => cw[r.y] as number);
}

function linear(rs: readonly Row[], vs: readonly Vec[]): (v: Vec) => number {
  const w = classWeights(rs);
  const inst: WeightedVec[] = rs.map((r, i) => ({ v: vs[i] as Vec, y: r.y, w: w[i] as number }));
  const h = trainInstances(inst, { dim, window: { size: 0, stride: 0 }, l2: 0.005, maxIter: 300, seed, negWindowWeight: 0, wordWeight: 15 });
  return (v) => {
    let z = h.bias;
    for (let i = 0; i < v.ids.length; i++) z += (h.weights[v.ids[i] as number] as number) * (v.vals[i] as number);
    return z;
  };
}

const mcfg: MlpConfig = { bits: mlpBits, hidden: H, epochs, lr, wd, batch, drop, seed };
function trainRows(rs: readonly Row[], vs: readonly Vec[], probe: (epoch: number, m: Mlp) => void): Mlp {
  const w = classWeights(rs);
  return trainMlp(rs.map((r, i) => ({ v: vs[i] as Vec, y: r.y, w: w[i] as number })), mcfg, probe, evalEvery);
}
const forward = (m: Mlp, x: Vec, h: Float32Array): number => mlpLogit(m, x.ids, x.vals, x.ids.length, h);

function show(name: string, rs: readonly Row[], z: readonly number[], th: number): number {
  const keep = rs.map((r, i) => ({ r, z: z[i] as number })).filter((x) => !x.r.extra);
  const mt = binaryMetrics(keep.map((x) => x.z >= th), keep.map((x) => x.r.y === 1));
  const by: Record<string, [number, number]> = {};
  for (const x of keep) {
    const e = (by[`${x.r.source}/${x.r.label[0]}`] ??= [0, 0]);
    e[0]++;
    if (x.z >= th) e[1]++;
  }
  log(`${name} P ${mt.precision.toFixed(3)} R ${mt.recall.toFixed(3)} F1 ${mt.f1.toFixed(3)} FPR ${mt.fpr.toFixed(3)}`);
  log('  ' + Object.entries(by).sort().map(([k, [n, f]]) => `${k} ${(f / n).toFixed(2)}`).join(' '));
  return mt.f1;
}
const negOf = (rs: readonly Row[], z: readonly number[]): number[] => rs.map((r, i) => ({ r, z: z[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z);
/** Standardise by the negatives' mean and sd so two models' logits can be summed. */
function standardise(rs: readonly Row[], z: readonly number[]): { mu: number; sd: number } {
  const n = negOf(rs, z);
  const mu = n.reduce((a, b) => a + b, 0) / n.length;
  const sd = Math.sqrt(n.reduce((a, b) => a + (b - mu) ** 2, 0) / n.length) || 1;
  return { mu, sd };
}

function vocabulary(vs: readonly Vec[]): Uint8Array {
  const keep = slotsByDf(vs, mlpBits, minDf);
  log(`vocabulary: ${keep.reduce((a, b) => a + b, 0)} of ${keep.length} rows kept (min-df ${minDf})`);
  return keep;
}
const prune = (v: Vec, keep: Uint8Array): Vec => (minDf <= 1 ? v : pruneVec(v, keep));

const tr = rows('train');
const vt = tr.map((r) => vec(r.text));
log(`featurised ${tr.length} train rows; H ${H} bits ${mlpBits} epochs ${epochs} lr ${lr} wd ${wd} batch ${batch} drop ${drop}`);
const groups = groupByLongLines(tr.map((r) => r.text));
const fold = groups.map((g) => foldOf(g, folds, seed));
const oofLin = new Array<number>(tr.length).fill(NaN);
const oofMlp = new Map<number, number[]>();
const hbuf = new Float32Array(H);
for (let k = 0; k < folds; k++) {
  const idx = tr.map((_, i) => i).filter((i) => fold[i] !== k);
  const test = tr.map((_, i) => i).filter((i) => fold[i] === k);
  const sub = idx.map((i) => tr[i] as Row);
  const keepIds = vocabulary(idx.map((i) => vt[i] as Vec));
  const subV = idx.map((i) => prune(vt[i] as Vec, keepIds));
  if (flagNumber(flags, 'linear', 1) === 1) {
    const lin = linear(sub, subV);
    for (const i of test) oofLin[i] = lin(vt[i] as Vec);
  }
  trainRows(sub, subV, (ep, m) => {
    const o = oofMlp.get(ep) ?? new Array<number>(tr.length).fill(NaN);
    for (const i of test) o[i] = forward(m, prune(vt[i] as Vec, keepIds), hbuf);
    oofMlp.set(ep, o);
  });
  log(`fold ${k + 1}/${folds}`);
}
if (flagNumber(flags, 'linear', 1) === 1) show(`cv linear @${fpr}`, tr, oofLin, thresholdForFpr(negOf(tr, oofLin), fpr));
let bestEp = epochs;
let bestF1 = -1;
for (const [ep, z] of [...oofMlp].sort((a, b) => a[0] - b[0])) {
  const f1 = show(`cv mlp ep${ep} @${fpr}`, tr, z, thresholdForFpr(negOf(tr, z), fpr));
  if (f1 > bestF1) [bestF1, bestEp] = [f1, ep];
  if (flagNumber(flags, 'linear', 1) === 1) {
    const a = standardise(tr, oofLin), b = standardise(tr, z);
    const s = z.map((v, i) => ((oofLin[i] as number) - a.mu) / a.sd + (v - b.mu) / b.sd);
    show(`cv linear+mlp ep${ep} @${fpr}`, tr, s, thresholdForFpr(negOf(tr, s), fpr));
  }
}
log(`best epoch by CV: ${bestEp} (F1 ${bestF1.toFixed(3)})`);
if (flags['dev'] === true) {
  const dv = rows('dev');
  const vd = dv.map((r) => vec(r.text));
  const zCv = oofMlp.get(bestEp) as number[];
  const th = thresholdForFpr(negOf(tr, zCv), fpr);
  const ep0 = bestEp;
  let zd: number[] = [];
  const keepAll = vocabulary(vt);
  trainRows(tr, vt.map((v) => prune(v, keepAll)), (ep, m) => {
    if (ep === ep0) zd = vd.map((x) => forward(m, prune(x, keepAll), hbuf));
  });
  show(`dev mlp ep${bestEp} cv-threshold`, dv, zd, th);
  show(`dev mlp oracle@${fpr}`, dv, zd, thresholdForFpr(negOf(dv, zd), fpr));
}
