/** @module Lines and sentences of hashed text as feature ranges, for scoring each sentence of a carrier on its own. */
import type { HashedFeatures } from './hashed-features.js';
import { rangeOf, type WindowRange } from './linear-model.js';

export type SegmentLimits = { readonly minChars: number; readonly maxChars: number; readonly maxSegments: number };

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { minChars: 24, maxChars: 400, maxSegments: 4096 };

/**
 * Segments between the line/sentence breaks of `f`: short pieces are joined to the next, long ones cut at
 * `maxChars`. At most `maxSegments` (the caller bounds the text anyway). Segments are contiguous and cover
 * the folded text: each starts where the previous ended.
 */
export function segmentRanges(f: HashedFeatures, lim: SegmentLimits = DEFAULT_SEGMENT_LIMITS): WindowRange[] {
  const { ends, count } = segmentEnds(f, lim);
  const out: WindowRange[] = [];
  for (let i = 0; i < count; i++) out.push(rangeOf(f, i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number));
  return out;
}

/** The folded-text end offset of each segment of `segmentRanges` (the first starts at 0), without the ranges. */
export function segmentEnds(f: HashedFeatures, lim: SegmentLimits = DEFAULT_SEGMENT_LIMITS, scratch?: Int32Array): { ends: Int32Array; count: number } {
  const cap = Math.min(lim.maxSegments, f.breakCount + 2 + Math.ceil(f.length / lim.maxChars));
  const ends = scratch !== undefined && scratch.length >= cap ? scratch : new Int32Array(Math.max(cap, 2 * (scratch?.length ?? 0)));
  let count = 0;
  let start = 0;
  for (let b = 0; b <= f.breakCount && count < lim.maxSegments; b++) {
    const end = b < f.breakCount ? (f.breaks[b] as number) : f.length;
    if (end - start < lim.minChars && b < f.breakCount) continue;
    for (let s = start; s < end && count < lim.maxSegments; s += lim.maxChars) ends[count++] = Math.min(end, s + lim.maxChars);
    start = end;
  }
  return { ends, count };
}
