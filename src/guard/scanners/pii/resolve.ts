/** @module Overlap resolution: validated structured values beat tagger spans, then longer beats shorter. O(n log n). */
import { sortByStart } from '../../text/sort-spans.js';
import type { Entity } from './entity.js';

export const PRIORITY: Readonly<Record<string, number>> = {
  PRIVATE_KEY: 12, API_KEY: 11, PASSWORD: 11,
  EMAIL: 10, IBAN: 10, CREDIT_CARD: 10, US_SSN: 10, URL: 9, IP_ADDRESS: 9, PHONE: 8, US_DRIVER_LICENSE: 8,
  ADDRESS: 5, PERSON: 5, ORGANIZATION: 4, LOCATION: 4, DATE_TIME: 3, AGE: 3, NRP: 3,
};

function better<T extends string>(a: Entity<T>, b: Entity<T>): boolean {
  const pa = PRIORITY[a.type] ?? 0;
  const pb = PRIORITY[b.type] ?? 0;
  if (pa !== pb) return pa > pb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  return a.score > b.score;
}

/** Non-overlapping entities sorted by start. */
export function resolveOverlaps<T extends string>(entities: readonly Entity<T>[]): Entity<T>[] {
  const sorted = sortByStart(entities);
  const out: Entity<T>[] = [];
  for (const e of sorted) {
    if (e.end <= e.start) continue;
    const last = out[out.length - 1];
    if (last === undefined || e.start >= last.end) {
      out.push(e);
      continue;
    }
    if (better(e, last)) {
      out.pop();
      // The winner may now overlap earlier accepted spans; drop those it beats, stop at one that beats it.
      let keep = true;
      while (out.length > 0) {
        const prev = out[out.length - 1];
        if (prev === undefined || prev.end <= e.start) break;
        if (better(e, prev)) out.pop();
        else {
          keep = false;
          break;
        }
      }
      if (keep) out.push(e);
    }
  }
  return out;
}
