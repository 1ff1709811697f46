/** @module Injection/jailbreak scoring: normalise, decode, window-score with the trained model, apply rules. */
import type { Finding, TextOrigin } from '../../types.js';
import { checkDeadline, type DeadlineClock, deadlineFor } from '../../deadline.js';
import { boundedRegions, DEFAULT_REGION_LIMITS, type Region } from '../../text/bounded-regions.js';
import { looksLikeData } from '../../text/data-context.js';
import { DEFAULT_DECODE_LIMITS, decodedViews } from '../../text/decode.js';
import { CHAR_ORDERS_345, createHashScratch, hashFeatures, type HashedFeatures } from '../../text/hashed-features.js';
import { sigmoid, windowRanges } from '../../text/linear-model.js';
import { DEFAULT_SEGMENT_LIMITS, segmentEnds } from '../../text/segments.js';
import { DEFAULT_STAGE2, sentenceSummary, stage2Bounds, stage2Logit, type Stage2 } from '../../text/stage2.js';
import { createDotScratch, tfDotQuantised, tfDotQuantisedSpan } from '../../text/tf-vector.js';
import { lowerBound } from '../../text/windows.js';
import { decodeHeadQuantised, type EncodedModel } from '../../text/model-codec.js';
import { isPlainAscii, normalizeForScan } from '../../text/normalize.js';
import { INJECTION_CALIBRATION, INJECTION_MODEL } from './model-weights.js';
import { matchRules } from './rules.js';
import { findTrigger } from './trigger.js';

export type InjectionResult = { readonly score: number; readonly findings: readonly Finding[] };

export type InjectionCalibration = {
  /** Model logit at which a message from a user (or system) counts as an attack. */
  readonly threshold: number;
  /** The same for text that is data (tool results, documents): lower, an order there is already suspect. */
  readonly dataThreshold: number;
  /** How the whole-text head (0) and the sentence head (1) combine; absent = whole text only. */
  readonly stage2?: Stage2;
};

/** `clock`: a deadline (a ScanContext is one), checked between regions and in the trigger scan of a huge text. */
export type InjectionScorer = { score(text: string, origin: TextOrigin, clock?: DeadlineClock): InjectionResult };

/**
 * Decoded characters per scanned text, across all its regions: each region alone is capped by the decode
 * limits, but a huge text of encoded-looking runs has up to a hundred regions.
 */
const TEXT_DECODE_CHARS = 2 * DEFAULT_DECODE_LIMITS.maxChars;

function isDataOrigin(origin: TextOrigin): boolean {
  return origin === 'tool' || origin === 'document';
}

export function createInjectionScorer(
  encoded: EncodedModel = INJECTION_MODEL,
  calibration: InjectionCalibration = INJECTION_CALIBRATION,
): InjectionScorer {
  const dim = encoded.dim;
  const heads = encoded.heads.map((h) => decodeHeadQuantised(h, dim));
  const whole = heads[0];
  if (whole === undefined) throw new Error('injection model has no head');
  const scratch = createDotScratch(dim);
  const hashScratch = createHashScratch();
  const mask = dim - 1;
  const orders = encoded.charOrders ?? CHAR_ORDERS_345;
  const ww = encoded.wordWeight ?? 1;
  const stage = calibration.stage2 ?? DEFAULT_STAGE2;
  let segScores = new Float64Array(64);
  let segEnds: Int32Array = new Int32Array(64);
  const sentHead = stage.wSent !== 0 ? heads[1] : undefined;
  /** Whole-text logit, or the best window's where the model scores windows of long texts. */
  const wholeLogit = (f: HashedFeatures): number => {
    let z = whole.bias + whole.scale * tfDotQuantisedSpan(f, 0, f.count, 0, f.wordCount, whole.q, scratch, ww);
    if (encoded.window.size > 0) for (const r of windowRanges(f, encoded.window)) z = Math.max(z, whole.bias + whole.scale * tfDotQuantised(f, r, whole.q, scratch, ww));
    return z;
  };
  /**
   * Two-stage logit: whole text, plus the most instruction-like sentence when the text is a multi-sentence carrier.
   * `dl`: read every 256 sentences (a 48 KiB region has up to a few hundred).
   */
  const modelLogit = (f: HashedFeatures, threshold: number, dl: DeadlineClock | undefined): number => {
    const zWhole = wholeLogit(f);
    if (sentHead === undefined) return stage2Logit(stage, { zWhole, zSent: -Infinity, segments: 0 });
    const { ends, count } = segmentEnds(f, DEFAULT_SEGMENT_LIMITS, segEnds);
    segEnds = ends;
    if (count < stage.minSegments) return stage2Logit(stage, { zWhole, zSent: -Infinity, segments: count });
    // The sentence terms are bounded (clamped logits): when no sentence scores can move the verdict, skip
    // the pass and report the bound on the verdict's side. Most benign traffic stops here.
    const { lo, hi } = stage2Bounds(stage, zWhole, count);
    if (hi < threshold) return hi;
    if (lo >= threshold) return lo;
    if (segScores.length < count) segScores = new Float64Array(Math.max(count, 2 * segScores.length));
    const scores = segScores.subarray(0, count);
    // Segments are contiguous: each one's feature ranges start where the previous ones ended.
    // A words-only head gets an empty character range.
    const words = sentHead.features === 'words';
    let from = 0;
    let wordFrom = 0;
    for (let i = 0; i < count; i++) {
      if ((i & 255) === 255) checkDeadline(dl);
      const end = ends[i] as number;
      const to = words ? 0 : lowerBound(f.pos, f.count, end);
      const wordTo = lowerBound(f.wordPos, f.wordCount, end);
      scores[i] = sentHead.bias + sentHead.scale * tfDotQuantisedSpan(f, from, to, wordFrom, wordTo, sentHead.q, scratch);
      from = to;
      wordFrom = wordTo;
    }
    return stage2Logit(stage, { zWhole, segments: count, ...sentenceSummary(scores) });
  };

  /** `dl`: read between the steps (a 48 KiB head region takes a few milliseconds in all). */
  const scoreRegion = (region: Region, dataOrigin: boolean, findings: Finding[], decodeBudget: { chars: number }, dl: DeadlineClock | undefined): number => {
    // Plain ASCII (most prompts) is its own scan form; the test is kept for hashing (see foldText).
    const plain = isPlainAscii(region.text);
    const norm = plain ? region.text : normalizeForScan(region.text);
    checkDeadline(dl);
    const identity = norm === region.text;
    const th = dataOrigin ? calibration.dataThreshold : calibration.threshold;
    let mayDecode = true;
    /** Model logit (minus the threshold) of one view, its rule findings pushed; view 0 is the text itself. */
    const scoreView = (view: string, vi: number): number => {
      // The lower data threshold only where the caller says the text is data: the user threshold was
      // calibrated on every benign row, data-looking ones included.
      const dc = dataOrigin || looksLikeData(view);
      const f = hashFeatures(view, mask, false, hashScratch, orders, vi === 0, vi === 0 && plain);
      if (vi === 0) mayDecode = f.mayDecode;
      checkDeadline(dl);
      const z = modelLogit(f, th, dl) - th;
      checkDeadline(dl);
      if (vi > 0 && z >= 0) findings.push({ type: 'injection.encoded', score: sigmoid(z) });
      for (const hit of matchRules(view, dc, 4, f.ascii ? f : undefined)) {
        // Offsets are only meaningful when we scored the caller's own code units.
        const placed = vi === 0 && identity && hit.start !== undefined && hit.end !== undefined;
        findings.push(
          placed ? { ...hit, start: hit.start + region.offset, end: hit.end + region.offset } : { type: hit.type, score: hit.score },
        );
      }
      return z;
    };
    let best = scoreView(norm, 0);
    // Hashing the text told whether any decoder could find something in it: most text skips that pass.
    if (!mayDecode || decodeBudget.chars < 16) return best;
    checkDeadline(dl);
    const decoded = decodedViews(norm, { ...DEFAULT_DECODE_LIMITS, maxChars: Math.min(DEFAULT_DECODE_LIMITS.maxChars, decodeBudget.chars) }, dl);
    for (const v of decoded) decodeBudget.chars -= v.length;
    decoded.forEach((view, i) => {
      // A decoded layer without a single space is still encoded (base64 inside base64): it is decoded in
      // the next round, but has no words for the model or the rules to read.
      if (view.indexOf(' ') < 0 && view.indexOf('\n') < 0) return;
      checkDeadline(dl);
      best = Math.max(best, scoreView(view, i + 1));
    });
    return best;
  };

  return {
    score(text: string, origin: TextOrigin, clock?: DeadlineClock): InjectionResult {
      const findings: Finding[] = [];
      const dataOrigin = isDataOrigin(origin);
      const dl = deadlineFor(clock, text.length);
      const { regions, exhausted } = boundedRegions(text, findTrigger, DEFAULT_REGION_LIMITS, dl);
      // An exhausted text scores 1 (unscanned) whatever its regions say: score its head and tail for the
      // findings, not the hundred slices in between.
      const scored = exhausted && regions.length > 2 ? [regions[0] as Region, regions[regions.length - 1] as Region] : regions;
      const decodeBudget = { chars: TEXT_DECODE_CHARS };
      let z = -Infinity;
      for (const r of scored) {
        checkDeadline(dl);
        z = Math.max(z, scoreRegion(r, dataOrigin, findings, decodeBudget, dl));
      }
      const modelScore = sigmoid(z);
      if (modelScore >= 0.5) findings.unshift({ type: 'injection.model', score: modelScore });
      if (exhausted) findings.push({ type: 'injection.unscanned', score: 1 });
      let score = modelScore;
      for (const f of findings) score = Math.max(score, f.score);
      return { score, findings };
    },
  };
}
