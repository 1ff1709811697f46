/** @module `npm run train:harmful`: trains the harmful-request model and its category heads, picks the threshold by CV, writes the committed weights. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createFeatureScratch, harmfulVector, type ExtraWeights } from '../src/guard/scanners/harmful/features.js';
import { encodeModel } from '../src/guard/text/model-codec.js';
import { normalizeForScan } from '../src/guard/text/normalize.js';
import { createTfScratch } from '../src/guard/text/tf-vector.js';
import { flagNumber, parseFlags, readClassRows, REPO_ROOT, type ClassRow } from './eval/dataset.js';
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

/** What the scorer computes on a text: see harmfulVector. */
function featurize(rows: readonly BinaryRow[]): RowVecs[] {
  const tf = createTfScratch(cfg.dim);
  const fs = createFeatureScratch();
  return rows.map((r) => ({ whole: harmfulVector(normalizeForScan(r.text), cfg.dim, cfg.wordWeight, EXTRA_W, tf, fs), windows: [] }));
}

const trainRows = read('train');
const train = withExtras(toBinary(trainRows), 'train');
let threshold = 0;
let cvReport: Record<string, unknown> = {};
if (folds > 1) {
  const both = [...train, ...withExtras(toBinary(read('dev')), 'dev')];
  const oofAll = crossValidate(both, featurize(both), cfg, folds, isTask);
  log(`cv over ${both.length} rows (train+dev${EXTRA ? ', incl. injection-task benign rows for training only' : ''}), ${folds} folds`);
  const all = both.filter(isTask);
  const oof = oofAll.filter((_, i) => isTask(both[i] as BinaryRow));
  threshold = thresholdForFpr(oof.filter((_, i) => all[i]?.y === 0), TARGET_FPR);
  const m = binaryMetrics(oof.map((z) => z >= threshold), all.map((r) => r.y === 1));
  const bySource: Record<string, { n: number; flagged: number }> = {};
  all.forEach((r, i) => {
    const e = (bySource[`${r.source}/${r.label}`] ??= { n: 0, flagged: 0 });
    e.n++;
    if ((oof[i] as number) >= threshold) e.flagged++;
  });
  cvReport = { folds, rows: all.length, precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), fpr: round(m.fpr), bySource };
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

if (flags['dry-run'] !== true) {
  const out = resolve(REPO_ROOT, 'src/guard/scanners/harmful/model-weights.ts');
  const main = encodeModel(toModel([head], cfg));
  // Category heads only rank categories of an already-flagged text: small weights can go.
const cats = encodeModel({ dim: catCfg.dim, window: catCfg.window, heads: catHeads }, 0.02);
  writeFileSync(
    out,
    `/** @module Generated by \`npm run train:harmful\` (scripts/train-harmful.ts) from harmful/train.jsonl${EXTRA ? " with injection/train.jsonl benign rows as extra negatives" : ""}; threshold by ${folds}-fold CV over train+dev. Do not edit. */\n` +
      `import type { EncodedModel } from '../../text/model-codec.js';\n\n` +
      `export const HARMFUL_CATEGORIES = ${JSON.stringify(CATEGORIES)} as const;\n\n` +
      `export const HARMFUL_FEATURES = ${JSON.stringify(EXTRA_W)} as const;\n\n` +
      `export const HARMFUL_CALIBRATION = ${JSON.stringify({ threshold: round(threshold, 6), seed, l2: cfg.l2, cv: cvReport })} as const;\n\n` +
      `export const HARMFUL_MODEL: EncodedModel = ${JSON.stringify(main)};\n\n` +
      `export const HARMFUL_CATEGORY_MODEL: EncodedModel = ${JSON.stringify(cats)};\n`,
  );
  log(`wrote ${out}`);
}
