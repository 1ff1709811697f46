/** @module Overlap resolution: validated structured values beat tagger spans, then longer beats shorter. O(n log n). */
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

function before<T extends string>(a: Entity<T>, b: Entity<T>): boolean {
  return a.start < b.start || (a.start === b.start && a.end > b.end);
}

/**
 * Stable sort by start, longer first: the order `[...e].sort((a, b) => a.start - b.start || b.end - a.end)` gives.
 * The recognisers each append in text order, so the input is a handful of ascending runs: merging them is linear per
 * run, where a comparator sort of 300k entities (4 MiB of e-mails and URLs) called the comparator millions of times.
 */
export function sortByStart<T extends string>(entities: readonly Entity<T>[]): Entity<T>[] {
  const n = entities.length;
  let a = entities.slice();
  // Run boundaries: each run is non-descending under `before`.
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (before(entities[i] as Entity<T>, entities[i - 1] as Entity<T>)) bounds.push(i);
  bounds.push(n);
  if (bounds.length <= 2) return a;
  let b = new Array<Entity<T>>(n);
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      // Stable: on a tie the left run's element goes first.
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const x = a[i] as Entity<T>;
        const y = a[j] as Entity<T>;
        if (before(y, x)) {
          b[k++] = y;
          j++;
        } else {
          b[k++] = x;
          i++;
        }
      }
      while (i < mid) b[k++] = a[i++] as Entity<T>;
      while (j < hi) b[k++] = a[j++] as Entity<T>;
      next.push(hi);
    }
    if (next[next.length - 1] !== n) next.push(n);
    const t = a;
    a = b;
    b = t;
    runs = next;
  }
  return a;
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
