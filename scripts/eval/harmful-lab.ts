/** @module Experiments for the harmful model (not part of the product): feature blocks and regularisation, by grouped CV on train, then dev. */
import { resolve } from 'node:path';
import { hashFeatures } from '../../src/guard/text/hashed-features.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { createTfScratch, tfVector, wholeRange } from '../../src/guard/text/tf-vector.js';
import { createFeatureScratch, extraFeatures } from '../../src/guard/scanners/harmful/features.js';
import { dataDir, flagNumber, parseFlags, readClassRows } from './dataset.js';
import { foldOf, groupByLongLines } from './groups.js';
import { binaryMetrics, thresholdForFpr } from './metrics.js';
import { trainInstances, type Vec, type WeightedVec } from './train-binary.js';

const flags = parseFlags(process.argv.slice(2));
const dir = dataDir(flags);
const dim = 2 ** flagNumber(flags, 'bits', 18);
const fpr = flagNumber(flags, 'fpr', 0.025);
const folds = flagNumber(flags, 'folds', 5);
const wordWeight = flagNumber(flags, 'word-weight', 15);
const charW = flagNumber(flags, 'char', 1);
const stemW = flagNumber(flags, 'stem', 0);
const lexW = flagNumber(flags, 'lex', 0);
const l2 = flagNumber(flags, 'l2', 0.01);
const maxIter = flagNumber(flags, 'iter', 200);
const seed = 20240601;
const t0 = Date.now();
const log = (m: string): void => void process.stderr.write(`[lab ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

type Row = { text: string; y: 0 | 1; source: string; label: string; extra: boolean; cats: string[] };
function rows(split: string): Row[] {
  const main: Row[] = readClassRows(resolve(dir, 'harmful', `${split}.jsonl`)).map((r) => ({ text: r.text, y: r.label === 'harmful' ? 1 : 0, source: r.source, label: r.label, extra: false, cats: r.categories.length > 0 ? r.categories : r.label === 'harmful' ? ['none'] : [] }));
  if (flagNumber(flags, 'extra', 1) === 1) {
    const seen = new Set(main.map((r) => r.text));
    for (const r of readClassRows(resolve(dir, 'injection', `${split}.jsonl`))) if (r.label === 'benign' && !seen.has(r.text)) main.push({ text: r.text, y: 0, source: `i:${r.source}`, label: r.label, extra: true, cats: [] });
  }
  return main;
}

const tf = createTfScratch(dim);
const fs = createFeatureScratch();
function vec(t: string): Vec {
  const norm = normalizeForScan(t);
  const ids: number[] = [];
  const vals: number[] = [];
  if (charW > 0) {
    const f = hashFeatures(norm, dim - 1);
    const v = tfVector(f, wholeRange(f), tf, wordWeight);
    for (let i = 0; i < v.n; i++) {
      ids.push(v.ids[i] as number);
      vals.push((v.vals[i] as number) * charW);
    }
  }
  const n = extraFeatures(norm, dim - 1, { stem: stemW, lex: lexW }, fs);
  for (let i = 0; i < n; i++) {
    ids.push(fs.ids[i] as number);
    vals.push(fs.vals[i] as number);
  }
  // Feature augmentation by length: long texts (content) also get every feature in a namespace of their own.
  const aug = flagNumber(flags, 'aug', 0);
  if (aug > 0) {
    const long = norm.length > aug;
    const m = ids.length;
    for (let i = 0; i < m; i++) {
      ids.push((Math.imul((ids[i] as number) ^ (long ? 0x5bd1e995 : 0x1b873593), 0x9e3779b1) >>> 0) & (dim - 1));
      vals.push((vals[i] as number) * flagNumber(flags, 'aug-w', 1));
    }
  }
  return { ids: Int32Array.from(ids), vals: Float32Array.from(vals) };
}

const cfg = { dim, window: { size: 0, stride: 0 }, l2, maxIter, seed, negWindowWeight: 0, wordWeight };
const alpha = flagNumber(flags, 'alpha', 0);
/** Class-balanced weights, each source's rows scaled by (mean source size / its size)^alpha within its class. */
function weights(rs: readonly Row[]): number[] {
  const size = new Map<string, number>();
  for (const r of rs) size.set(`${r.y}:${r.source}`, (size.get(`${r.y}:${r.source}`) ?? 0) + 1);
  const raw = rs.map((r) => Math.pow(1 / (size.get(`${r.y}:${r.source}`) as number), alpha));
  const sum = [0, 0];
  rs.forEach((r, i) => (sum[r.y] = (sum[r.y] as number) + (raw[i] as number)));
  return rs.map((r, i) => ((raw[i] as number) * rs.length) / (2 * (sum[r.y] as number)));
}
function train(rs: readonly Row[], vs: readonly Vec[]): (v: Vec) => number {
  const w = weights(rs);
  const inst: WeightedVec[] = rs.map((r, i) => ({ v: vs[i] as Vec, y: r.y, w: w[i] as number }));
  const h = trainInstances(inst, cfg);
  return (v) => {
    let z = h.bias;
    for (let i = 0; i < v.ids.length; i++) z += (h.weights[v.ids[i] as number] as number) * (v.vals[i] as number);
    return z;
  };
}

const CATS = ['violence', 'weapons', 'cybercrime', 'fraud', 'illegal_activity', 'hate', 'harassment', 'sexual', 'child_safety', 'self_harm', 'privacy', 'misinformation', 'copyright', 'other_harm', 'none'];
const catMode = flagNumber(flags, 'cats', 0);
const catL2 = flagNumber(flags, 'cat-l2', 0.01);
const catFs = createFeatureScratch();
function catVec(t: string): Vec {
  const norm = normalizeForScan(t);
  const n = extraFeatures(norm, dim - 1, { stem: 1, lex: lexW || 0.5 }, catFs);
  return { ids: catFs.ids.slice(0, n), vals: catFs.vals.slice(0, n) };
}
/** Main score, then per-category "category k vs benign" heads; returns a function giving all logits. */
const ens = flagNumber(flags, 'ens', 0);
const ensL2 = flagNumber(flags, 'ens-l2', 0.01);
function trainAll(rs: readonly Row[], vs: readonly Vec[], cvs: readonly Vec[]): (i: { v: Vec; c: Vec }) => number[] {
  const m1 = train(rs, vs);
  // Optional second model on the stem + lexicon blocks only, added with weight `ens`.
  const m2 = ens > 0 ? trainWith(rs, cvs, ensL2) : undefined;
  const main = (v: Vec, c?: Vec): number => m1(v) + (m2 && c ? ens * m2(c) : 0);
  const heads = catMode === 0 ? [] : CATS.map((c) => {
    const idx = rs.map((_, i) => i).filter((i) => (rs[i] as Row).y === 0 || (rs[i] as Row).cats.includes(c));
    const sub = idx.map((i) => ({ ...(rs[i] as Row), y: ((rs[i] as Row).y === 1 ? 1 : 0) as 0 | 1 }));
    return trainWith(sub, idx.map((i) => cvs[i] as Vec), catL2);
  });
  return (x) => [main(x.v, x.c), ...heads.map((h) => h(x.c))];
}
function trainWith(rs: readonly Row[], vs: readonly Vec[], l2x: number): (v: Vec) => number {
  const w = weights(rs);
  const inst: WeightedVec[] = rs.map((r, i) => ({ v: vs[i] as Vec, y: r.y, w: w[i] as number }));
  const h = trainInstances(inst, { ...cfg, l2: l2x, maxIter: 150 });
  return (v) => {
    let z = h.bias;
    for (let i = 0; i < v.ids.length; i++) z += (h.weights[v.ids[i] as number] as number) * (v.vals[i] as number);
    return z;
  };
}
/** Stage 2: logistic regression over clamped logits (plain gradient descent, balanced). */
function fitStage2(xs: readonly number[][], ys: readonly (0 | 1)[]): (x: number[]) => number {
  const d = (xs[0] as number[]).length + 1;
  const f = (x: number[]): number[] => [...x.map((v) => Math.max(-10, Math.min(10, v)) / 5), 1];
  const F = xs.map(f);
  const nP = ys.filter((y) => y === 1).length;
  const cw = [0.5 / (ys.length - nP), 0.5 / nP];
  const w = new Array<number>(d).fill(0);
  w[0] = 1;
  for (let it = 0; it < 3000; it++) {
    const g = new Array<number>(d).fill(0);
    F.forEach((x, i) => {
      let z = 0;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (x[j] as number);
      const r = (1 / (1 + Math.exp(-z)) - (ys[i] as number)) * (cw[ys[i] as number] as number);
      for (let j = 0; j < d; j++) g[j] = (g[j] as number) + r * (x[j] as number);
    });
    for (let j = 0; j < d; j++) w[j] = (w[j] as number) - 2 * ((g[j] as number) + 1e-4 * (w[j] as number));
  }
  log(`stage2 weights ${w.map((v) => v.toFixed(2)).join(' ')}`);
  return (x) => {
    const fx = f(x);
    let z = 0;
    for (let j = 0; j < d; j++) z += (w[j] as number) * (fx[j] as number);
    return z;
  };
}

function show(name: string, rs: readonly Row[], z: readonly number[], th: number): void {
  const keep = rs.map((r, i) => ({ r, z: z[i] as number })).filter((x) => !x.r.extra);
  const m = binaryMetrics(keep.map((x) => x.z >= th), keep.map((x) => x.r.y === 1));
  const by: Record<string, [number, number]> = {};
  for (const x of keep) {
    const e = (by[`${x.r.source}/${x.r.label[0]}`] ??= [0, 0]);
    e[0]++;
    if (x.z >= th) e[1]++;
  }
  log(`${name} th=${th.toFixed(3)} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} FPR ${m.fpr.toFixed(3)}`);
  log('  ' + Object.entries(by).sort().map(([k, [n, f]]) => `${k} ${(f / n).toFixed(2)}`).join(' '));
}

const tr = rows('train');
const cvt = tr.map((r) => catVec(r.text));
const dv = rows('dev');
const vt = tr.map((r) => vec(r.text));
const vd = dv.map((r) => vec(r.text));
const cvd = dv.map((r) => catVec(r.text));
log(`featurised ${tr.length}+${dv.length}; char ${charW} word ${wordWeight} stem ${stemW} lex ${lexW} l2 ${l2}`);
let th = 0;
let th2 = 0;
let stage2: ((x: number[]) => number) | undefined;
if (folds > 1) {
  const groups = groupByLongLines(tr.map((r) => r.text));
  const fold = groups.map((g) => foldOf(g, folds, seed));
  const oof: number[][] = tr.map(() => []);
  for (let k = 0; k < folds; k++) {
    const idx = tr.map((_, i) => i).filter((i) => fold[i] !== k);
    const score = trainAll(idx.map((i) => tr[i] as Row), idx.map((i) => vt[i] as Vec), idx.map((i) => cvt[i] as Vec));
    tr.forEach((_, i) => {
      if (fold[i] === k) oof[i] = score({ v: vt[i] as Vec, c: cvt[i] as Vec });
    });
    log(`fold ${k + 1}`);
  }
  const z0 = oof.map((x) => x[0] as number);
  const neg = tr.map((r, i) => ({ r, z: z0[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z);
  th = thresholdForFpr(neg, fpr);
  show(`cv@${fpr}`, tr, z0, th);
  if (flags['dump'] === true) {
    const items = tr.map((r, i) => ({ r, z: z0[i] as number })).filter((x) => !x.r.extra);
    const fp = items.filter((x) => x.r.y === 0).sort((a, b) => b.z - a.z).slice(0, 45);
    for (const x of fp) process.stdout.write(`FP ${(x.z - th).toFixed(2)} [${x.r.source}] ${x.r.text.slice(0, 200).replace(/\s+/g, ' ')}\n`);
  }
  if (catMode) {
    const task = tr.map((r, i) => ({ r, x: oof[i] as number[] }));
    stage2 = fitStage2(task.map((t) => t.x), task.map((t) => t.r.y));
    const z2 = oof.map((x) => (stage2 as (x: number[]) => number)(x));
    const zmax = oof.map((x) => Math.max(...x.slice(1)));
    th2 = thresholdForFpr(tr.map((r, i) => ({ r, z: z2[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z), fpr);
    show(`cv stage2@${fpr} (in-sample stage 2)`, tr, z2, th2);
    const thm = thresholdForFpr(tr.map((r, i) => ({ r, z: zmax[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z), fpr);
    show(`cv max-cat@${fpr}`, tr, zmax, thm);
  }
}
const score = trainAll(tr, vt, cvt);
const all = dv.map((_, i) => score({ v: vd[i] as Vec, c: cvd[i] as Vec }));
const zd = all.map((x) => x[0] as number);
show('dev cv-threshold', dv, zd, th);
const negd = dv.map((r, i) => ({ r, z: zd[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z);
show(`dev oracle@${fpr}`, dv, zd, thresholdForFpr(negd, fpr));
if (stage2) {
  const z2 = all.map((x) => (stage2 as (x: number[]) => number)(x));
  show('dev stage2 cv-threshold', dv, z2, th2);
  const n2 = dv.map((r, i) => ({ r, z: z2[i] as number })).filter((x) => !x.r.extra && x.r.y === 0).map((x) => x.z);
  show(`dev stage2 oracle@${fpr}`, dv, z2, thresholdForFpr(n2, fpr));
}
