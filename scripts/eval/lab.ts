/** @module Experiments for the learned guards (not part of the product): features, optimiser, thresholds, measured on dev and by grouped CV. */
import { resolve } from 'node:path';
import { hashFeatures } from '../../src/guard/text/hashed-features.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { createTfScratch, tfVector, wholeRange } from '../../src/guard/text/tf-vector.js';
import { trainLbfgs, type CsrRows } from '../../src/guard/text/lbfgs.js';
import { dataDir, flagNumber, flagString, parseFlags, readClassRows } from './dataset.js';
import { binaryMetrics, thresholdForFpr } from './metrics.js';

const flags = parseFlags(process.argv.slice(2));
const dir = dataDir(flags);
const task = flagString(flags, 'task', 'injection');
const bits = flagNumber(flags, 'bits', 18);
const dim = 2 ** bits;
const l2 = flagNumber(flags, 'l2', 1);
const fpr = flagNumber(flags, 'fpr', task === 'injection' ? 0.01 : 0.03);
const extra = flagNumber(flags, 'extra', 0);
const t0 = Date.now();
const log = (m: string): void => void process.stderr.write(`[lab ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

type Row = { text: string; y: 0 | 1; source: string; label: string; extra: boolean };
function rows(split: string): Row[] {
  const pos = task === 'injection' ? (l: string): boolean => l !== 'benign' : (l: string): boolean => l === 'harmful';
  const main = readClassRows(resolve(dir, task, `${split}.jsonl`)).map((r) => ({ text: r.text, y: (pos(r.label) ? 1 : 0) as 0 | 1, source: r.source, label: r.label, extra: false }));
  if (task === 'harmful' && extra === 1) {
    const seen = new Set(main.map((r) => r.text));
    for (const r of readClassRows(resolve(dir, 'injection', `${split}.jsonl`))) if (r.label === 'benign' && !seen.has(r.text)) main.push({ text: r.text, y: 0, source: `i:${r.source}`, label: r.label, extra: true });
  }
  if (task === 'injection' && extra === 1) {
    const seen = new Set(main.map((r) => r.text));
    for (const r of readClassRows(resolve(dir, 'harmful', `${split}.jsonl`))) if (!seen.has(r.text)) main.push({ text: r.text, y: 0, source: `h:${r.source}`, label: r.label, extra: true });
  }
  return main;
}

const scratch = createTfScratch(dim);
function vec(t: string): { ids: Int32Array; vals: Float32Array } {
  const f = hashFeatures(normalizeForScan(t), dim - 1);
  const v = tfVector(f, wholeRange(f), scratch, flagNumber(flags, 'wordw', 1));
  return { ids: v.ids.slice(0, v.n), vals: v.vals.slice(0, v.n) };
}

function csr(rs: Row[], vs: { ids: Int32Array; vals: Float32Array }[]): CsrRows {
  const nPos = rs.filter((r) => r.y === 1).length;
  const nNeg = rs.length - nPos;
  const cw = [rs.length / (2 * nNeg), rs.length / (2 * nPos)];
  let nnz = 0;
  for (const v of vs) nnz += v.ids.length;
  const ptr = new Int32Array(rs.length + 1);
  const ids = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  let k = 0;
  vs.forEach((v, i) => {
    ids.set(v.ids, k);
    vals.set(v.vals, k);
    k += v.ids.length;
    ptr[i + 1] = k;
  });
  return { ptr, ids, vals, y: Uint8Array.from(rs.map((r) => r.y)), weight: Float64Array.from(rs.map((r) => cw[r.y] as number)) };
}

const train = rows('train');
const dev = rows('dev');
const vt = train.map((r) => vec(r.text));
const vd = dev.map((r) => vec(r.text));
log(`featurised ${train.length}+${dev.length}`);
const model = trainLbfgs(csr(train, vt), { dim, l2, maxIter: flagNumber(flags, 'iter', 300), log });
log(`trained: loss ${model.loss.toFixed(4)} in ${model.iterations} it`);
const score = (v: { ids: Int32Array; vals: Float32Array }): number => {
  let z = model.bias;
  for (let i = 0; i < v.ids.length; i++) z += (model.weights[v.ids[i] as number] as number) * (v.vals[i] as number);
  return z;
};
const zd = vd.map(score);
const task_ = dev.map((r, i) => ({ r, z: zd[i] as number })).filter((x) => !x.r.extra);
function show(name: string, th: number): void {
  const m = binaryMetrics(task_.map((x) => x.z >= th), task_.map((x) => x.r.y === 1));
  const by: Record<string, [number, number]> = {};
  for (const x of task_) {
    const e = (by[`${x.r.source}/${x.r.label}`] ??= [0, 0]);
    e[0]++;
    if (x.z >= th) e[1]++;
  }
  log(`${name} th=${th.toFixed(3)} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} FPR ${m.fpr.toFixed(3)}`);
  log('  ' + Object.entries(by).sort().map(([k, [n, f]]) => `${k} ${(f / n).toFixed(2)}(${n})`).join('  '));
}
show(`dev@${fpr}`, thresholdForFpr(task_.filter((x) => x.r.y === 0).map((x) => x.z), fpr));
