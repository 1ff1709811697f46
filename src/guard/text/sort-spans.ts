/** @module Sorting the spans a scanner's recognisers found: by start, longer first, stable. */
import { checkDeadline, type DeadlineClock } from '../deadline.js';

export type SpanLike = { readonly start: number; readonly end: number };

/**
 * Indices 0..n-1 of spans given by `start[i]`/`end[i]`, in stable order by start, longer first: the order a comparator
 * sort `(a, b) => a.start - b.start || b.end - a.end` gives. Recognisers each append in text order, so the input is a
 * handful of ascending runs, merged pairwise: linear per run, where a comparator sort of 300k spans (4 MiB of
 * e-mails, or of `password: …`) called the comparator millions of times. `a` and `b` are work arrays of at least n
 * entries (a caller may keep them between calls); the order is returned in one of them. `dl`: a deadline checked
 * before each merge pass (see guard/deadline.ts).
 */
export function sortedIndexOrder(n: number, start: Int32Array, end: Int32Array, a: Int32Array, b: Int32Array, dl?: DeadlineClock): Int32Array {
  checkDeadline(dl);
  for (let i = 0; i < n; i++) a[i] = i;
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) {
    const s = start[i] as number;
    const p = start[i - 1] as number;
    if (s < p || (s === p && (end[i] as number) > (end[i - 1] as number))) bounds.push(i);
  }
  bounds.push(n);
  let runs = bounds;
  while (runs.length > 2) {
    // Between passes: one pass over 300k spans takes a few milliseconds.
    checkDeadline(dl);
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const x = a[i] as number;
        const y = a[j] as number;
        const sy = start[y] as number;
        const sx = start[x] as number;
        // Stable: the right run's span goes first only when it sorts strictly before.
        if (sy < sx || (sy === sx && (end[y] as number) > (end[x] as number))) {
          b[k++] = y;
          j++;
        } else {
          b[k++] = x;
          i++;
        }
      }
      while (i < mid) b[k++] = a[i++] as number;
      while (j < hi) b[k++] = a[j++] as number;
      next.push(hi);
    }
    const t = a;
    a = b;
    b = t;
    runs = next;
  }
  return a;
}

function before(a: SpanLike, b: SpanLike): boolean {
  return a.start < b.start || (a.start === b.start && a.end > b.end);
}

/** `sortedIndexOrder` for span objects. Returns the input itself when it is already sorted. `dl`: see sortedIndexOrder. */
export function sortByStart<E extends SpanLike>(spans: readonly E[], dl?: DeadlineClock): readonly E[] {
  const n = spans.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (before(spans[i] as E, spans[i - 1] as E)) sorted = false;
  if (sorted) return spans;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = (spans[i] as E).start;
    end[i] = (spans[i] as E).end;
  }
  const order = sortedIndexOrder(n, start, end, new Int32Array(n), new Int32Array(n), dl);
  checkDeadline(dl);
  const out = new Array<E>(n);
  for (let i = 0; i < n; i++) out[i] = spans[order[i] as number] as E;
  return out;
}
