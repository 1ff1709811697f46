/** @module Lines and sentences of hashed text as feature ranges, for scoring each sentence of a carrier on its own. */
import type { HashedFeatures } from './hashed-features.js';
import type { WindowRange } from './linear-model.js';
import { lowerBound } from './windows.js';

export type SegmentLimits = { readonly minChars: number; readonly maxChars: number; readonly maxSegments: number };

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { minChars: 24, maxChars: 400, maxSegments: 4096 };

/**
 * Segments between the line/sentence breaks of `f`: short pieces are joined to the next, long ones cut at
 * `maxChars`. At most `maxSegments` (the caller bounds the text anyway).
 */
export function segmentRanges(f: HashedFeatures, lim: SegmentLimits = DEFAULT_SEGMENT_LIMITS): WindowRange[] {
  const out: WindowRange[] = [];
  const push = (start: number, end: number): void => {
    out.push({
      from: lowerBound(f.pos, f.count, start),
      to: lowerBound(f.pos, f.count, end),
      wordFrom: lowerBound(f.wordPos, f.wordCount, start),
      wordTo: lowerBound(f.wordPos, f.wordCount, end),
      start,
      end,
    });
  };
  let start = 0;
  for (let b = 0; b <= f.breakCount && out.length < lim.maxSegments; b++) {
    const end = b < f.breakCount ? (f.breaks[b] as number) : f.length;
    if (end - start < lim.minChars && b < f.breakCount) continue;
    for (let s = start; s < end && out.length < lim.maxSegments; s += lim.maxChars) push(s, Math.min(end, s + lim.maxChars));
    start = end;
  }
  return out;
}
