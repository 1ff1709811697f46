/** @module Sorting the spans a scanner's recognisers found: by start, longer first, stable. */

export type SpanLike = { readonly start: number; readonly end: number };

function before(a: SpanLike, b: SpanLike): boolean {
  return a.start < b.start || (a.start === b.start && a.end > b.end);
}

/**
 * Stable sort by start, longer first: the order `[...s].sort((a, b) => a.start - b.start || b.end - a.end)` gives.
 * Recognisers each append in text order, so the input is a handful of ascending runs, merged pairwise: linear per run,
 * where a comparator sort of 300k spans (4 MiB of e-mails, or of `password: …`) called the comparator millions of
 * times. Returns the input itself when it is already sorted.
 */
export function sortByStart<E extends SpanLike>(spans: readonly E[]): readonly E[] {
  const n = spans.length;
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (before(spans[i] as E, spans[i - 1] as E)) bounds.push(i);
  bounds.push(n);
  if (bounds.length <= 2) return spans;
  let a: readonly E[] = spans;
  let b = new Array<E>(n);
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const x = a[i] as E;
        const y = a[j] as E;
        // Stable: the right run's span goes first only when it sorts strictly before.
        if (before(y, x)) {
          b[k++] = y;
          j++;
        } else {
          b[k++] = x;
          i++;
        }
      }
      while (i < mid) b[k++] = a[i++] as E;
      while (j < hi) b[k++] = a[j++] as E;
      next.push(hi);
    }
    const t = a;
    a = b;
    b = t === spans ? new Array<E>(n) : (t as E[]);
    runs = next;
  }
  return a;
}
