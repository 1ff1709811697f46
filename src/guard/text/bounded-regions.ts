/** @module Which parts of a huge text get detailed scoring: head, tail and every suspicious spot in between. */
import { type DeadlineClock } from '../deadline.js';

export type Region = { readonly offset: number; readonly text: string };

export type RegionLimits = {
  /** Texts up to this many code units are scored whole. */
  readonly wholeUpTo: number;
  readonly head: number;
  readonly tail: number;
  /** Half-width of the slice taken around each trigger hit in the middle. */
  readonly radius: number;
  readonly maxSlices: number;
};

export const DEFAULT_REGION_LIMITS: RegionLimits = { wholeUpTo: 64 * 1024, head: 48 * 1024, tail: 16 * 1024, radius: 320, maxSlices: 96 };

export type Regions = { readonly regions: readonly Region[]; readonly exhausted: boolean };

export type TriggerHit = { readonly index: number; readonly length: number };

/**
 * The first trigger at or after `from`, or undefined: a hand-written scanner where a regex is too slow. `dl`: a
 * deadline its scan checks as it goes (guard/deadline.ts), throwing ScanTimeoutError once it has passed.
 */
export type TriggerFinder = (text: string, from: number, dl?: DeadlineClock) => TriggerHit | undefined;

function regexFinder(trigger: RegExp): TriggerFinder {
  const re = new RegExp(trigger.source, trigger.flags.includes('g') ? trigger.flags : `${trigger.flags}g`);
  return (text, from) => {
    re.lastIndex = from;
    const m = re.exec(text);
    return m === null ? undefined : { index: m.index, length: m[0].length };
  };
}

/**
 * Splits `text` into regions to score in detail. The middle of a huge text is not skipped: a linear
 * trigger scan finds every spot that could start an attack (instruction words, role markers, invisible
 * or encoded runs), and each gets a slice. When there are more spots than `maxSlices`, `exhausted` is set
 * and the caller must treat the text as unscanned (fail closed), so padding cannot hide an attack.
 */
export function boundedRegions(text: string, trigger: RegExp | TriggerFinder, lim: RegionLimits = DEFAULT_REGION_LIMITS, dl?: DeadlineClock): Regions {
  if (text.length <= lim.wholeUpTo) return { regions: [{ offset: 0, text }], exhausted: false };
  const midStart = lim.head;
  const midEnd = text.length - lim.tail;
  const regions: Region[] = [{ offset: 0, text: text.slice(0, lim.head) }];
  const find = trigger instanceof RegExp ? regexFinder(trigger) : trigger;
  let next = Math.max(0, midStart - lim.radius);
  let lastEnd = midStart;
  let exhausted = false;
  let slices = 0;
  for (let m = find(text, next, dl); m !== undefined && m.index < midEnd; m = find(text, next, dl)) {
    next = m.index + Math.max(1, m.length);
    const s = Math.max(lastEnd, m.index - lim.radius);
    const e = Math.min(midEnd + lim.radius, m.index + m.length + lim.radius);
    if (e <= lastEnd) continue;
    if (slices >= lim.maxSlices) {
      exhausted = true;
      break;
    }
    // Extend the previous slice instead of starting a new one when hits are close together.
    const prev = regions[regions.length - 1];
    if (prev !== undefined && regions.length > 1 && s <= prev.offset + prev.text.length + 16 && e - prev.offset <= 4 * lim.radius) {
      regions[regions.length - 1] = { offset: prev.offset, text: text.slice(prev.offset, e) };
    } else {
      regions.push({ offset: s, text: text.slice(s, e) });
      slices++;
    }
    lastEnd = e;
    next = Math.max(next, e - lim.radius);
  }
  regions.push({ offset: midEnd, text: text.slice(midEnd) });
  return { regions, exhausted };
}
