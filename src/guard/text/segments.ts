/** @module Lines and sentences of hashed text as feature ranges, for scoring each sentence of a carrier on its own. */
import type { HashedFeatures } from './hashed-features.js';
import { rangeOf, type WindowRange } from './linear-model.js';

export type SegmentLimits = { readonly minChars: number; readonly maxChars: number; readonly maxSegments: number };

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { minChars: 24, maxChars: 400, maxSegments: 4096 };

/**
 * Segments between the line/sentence breaks of `f`: short pieces are joined to the next, long ones cut at
 * `maxChars`. At most `maxSegments` (the caller bounds the text anyway).
 */
export function segmentRanges(f: HashedFeatures, lim: SegmentLimits = DEFAULT_SEGMENT_LIMITS): WindowRange[] {
  const out: WindowRange[] = [];
  let start = 0;
  for (let b = 0; b <= f.breakCount && out.length < lim.maxSegments; b++) {
    const end = b < f.breakCount ? (f.breaks[b] as number) : f.length;
    if (end - start < lim.minChars && b < f.breakCount) continue;
    for (let s = start; s < end && out.length < lim.maxSegments; s += lim.maxChars) out.push(rangeOf(f, s, Math.min(end, s + lim.maxChars)));
    start = end;
  }
  return out;
}
