/** @module Harmful-request scoring: the trained windowed model for "is this harmful" plus category heads. */
import { matchIntent, type HarmfulIntent } from './intents.js';
import { harmfulView } from './senses.js';
import type { Finding } from '../../types.js';
import { decodedViews } from '../../text/decode.js';
import { hashFeatures } from '../../text/hashed-features.js';
import { createScratch, maxWindowScore, sigmoid, type LinearModel } from '../../text/linear-model.js';
import { decodeModel } from '../../text/model-codec.js';
import { tfDot, wholeRange } from '../../text/tf-vector.js';
import { compileMlp, createSemanticScratch, decodeEmbedding, decodeMlp, semanticLogit, type SemanticModel } from './embedding.js';
import { harmfulEmbedding } from './embedding-table.js';
import { createFeatureScratch, extraFeatures, type ExtraWeights, type HarmfulFeatureScratch } from './features.js';
import {
  HARMFUL_CALIBRATION,
  HARMFUL_CATEGORIES,
  HARMFUL_CATEGORY_MODEL,
  HARMFUL_FEATURES,
  HARMFUL_MODEL,
  HARMFUL_SEMANTIC_MLPS,
} from './model-weights.js';

export type HarmfulCategory = (typeof HARMFUL_CATEGORIES)[number];

export type HarmfulResult = {
  /** In [0, 1]; 0.5 is the cross-validated threshold. */
  readonly score: number;
  /** Categories of a harmful text, most likely first; empty when the text is not harmful. */
  readonly categories: readonly HarmfulCategory[];
  readonly findings: readonly Finding[];
};

export type HarmfulScorer = { score(text: string): HarmfulResult };

/**
 * A harmful request is short; what matters in a huge text is bounded by scoring its head and tail in
 * detail. Longer texts get a `harmful.partial` finding (score 0) so the audit shows the cap was hit.
 * 64 + 16 KiB keeps a 4 MiB body near 25 ms of CPU with the stem and lexicon blocks (96 + 32 KiB: ~40 ms).
 */
const HEAD = 64 * 1024;
/** The score of a text that states a harmful intent (intents.ts). */
const INTENT_SCORE = 0.95;
const TAIL = 16 * 1024;

/**
 * Logit of the main head on one view: the shared character and word n-grams of the whole text plus the
 * harmful-specific stem and lexicon blocks (features.ts), as `harmfulVector` builds them for training.
 */
export function harmfulLogit(view: string, model: LinearModel, extra: ExtraWeights, scratch: ReturnType<typeof createScratch>, fs: HarmfulFeatureScratch): number {
  const head = model.heads[0];
  if (head === undefined) throw new Error('model has no head');
  const f = hashFeatures(view, model.dim - 1);
  let z = head.bias + tfDot(f, wholeRange(f), head.weights, scratch, model.wordWeight ?? 1);
  const n = extraFeatures(view, model.dim - 1, extra, fs);
  const w = head.weights;
  for (let i = 0; i < n; i++) z += (w[fs.ids[i] as number] as number) * (fs.vals[i] as number);
  return z;
}

/** The committed semantic block and its weight in the logit (0 = none). */
export type SemanticPart = { readonly model: SemanticModel; readonly weight: number };

export function committedSemantic(): SemanticPart {
  const weight = HARMFUL_CALIBRATION.embWeight;
  const table = decodeEmbedding(harmfulEmbedding());
  if (!(weight > 0) || HARMFUL_SEMANTIC_MLPS.length === 0) return { model: { table, mlps: [] }, weight: 0 };
  return { model: { table, mlps: HARMFUL_SEMANTIC_MLPS.map((e) => compileMlp(decodeMlp(e))) }, weight };
}

export function createHarmfulScorer(
  model: LinearModel = decodeModel(HARMFUL_MODEL),
  categoryModel: LinearModel = decodeModel(HARMFUL_CATEGORY_MODEL),
  threshold: number = HARMFUL_CALIBRATION.threshold,
  extra: ExtraWeights = HARMFUL_FEATURES,
  semantic: SemanticPart = committedSemantic(),
): HarmfulScorer {
  const scratch = createScratch(model.dim);
  const fs = createFeatureScratch();
  const catScratch = createScratch(categoryModel.dim);
  const semScratch = createSemanticScratch(semantic.model);
  return {
    score(text: string): HarmfulResult {
      const partial = text.length > HEAD + TAIL;
      const parts = partial ? [text.slice(0, HEAD), text.slice(text.length - TAIL)] : [text];
      let z = -Infinity;
      let bestView = '';
      let intent: HarmfulIntent | undefined;
      for (const part of parts) {
        const norm = harmfulView(part);
        for (const view of [norm, ...decodedViews(norm)]) {
          intent ??= matchIntent(view);
          const s = harmfulLogit(view, model, extra, scratch, fs) - threshold;
          if (s > z) {
            z = s;
            bestView = view;
          }
        }
      }
      // The semantic block reads the view the n-grams rated highest (once per text: it is the costlier part per word).
      if (semantic.weight > 0) z += semantic.weight * semanticLogit(bestView, semantic.model, semScratch);
      // A stated intent (intents.ts) is harmful whatever the model says; the model's categories still follow it.
      const score = intent === undefined ? sigmoid(z) : Math.max(sigmoid(z), INTENT_SCORE);
      const findings: Finding[] = [];
      const categories: HarmfulCategory[] = [];
      if (intent !== undefined) {
        categories.push(intent.category);
        findings.push({ type: `harmful.rule.${intent.name}`, score });
      }
      if (score >= 0.5) {
        const f = hashFeatures(bestView, categoryModel.dim - 1);
        const probs = HARMFUL_CATEGORIES.map((c, k) => {
          const p = k < categoryModel.heads.length ? sigmoid(maxWindowScore(f, categoryModel, catScratch, k).logit) : 0;
          return { c, p };
        }).sort((a, b) => b.p - a.p);
        for (const { c, p } of probs) if ((p >= 0.5 || categories.length === 0) && !categories.includes(c)) categories.push(c);
        for (const c of categories) findings.push({ type: `harmful.${c}`, score });
      }
      if (partial) findings.push({ type: 'harmful.partial', score: 0 });
      return { score, categories, findings };
    },
  };
}
