/**
 * @module Candidate spans as parallel typed arrays: what the recognisers append to, sorted and resolved without an
 * object per span. 4 MiB of e-mails and URLs yields 400k candidates; as objects (each with a boxed score) they
 * were most of the scan's cost, and the scanner needs objects only for the findings it returns.
 */
import { PII_TYPES, type Entity, type PiiType } from './entity.js';
import { PRIORITY } from './resolve.js';
import { sortedIndexOrder } from '../../text/sort-spans.js';
import { deadlineAt, type DeadlineClock } from '../../types.js';

/** Index of each type in PII_TYPES: the `kind` a span stores. */
export const KIND: Readonly<Record<PiiType, number>> = Object.fromEntries(PII_TYPES.map((t, i) => [t, i])) as Record<PiiType, number>;

/** Overlap priority per kind (resolve.ts: validated structured values beat tagger spans). */
const KIND_PRIORITY = Int32Array.from(PII_TYPES, (t) => PRIORITY[t] ?? 0);

/** A growable list of spans; `add` appends, and the arrays are valid up to `count`. */
export class SpanList {
  count = 0;
  start = new Int32Array(64);
  end = new Int32Array(64);
  kind = new Uint8Array(64);
  score = new Float64Array(64);

  /** Work arrays for sorting this list, kept with it so a reused list sorts without allocating. */
  orderA = new Int32Array(0);
  orderB = new Int32Array(0);

  clear(): void {
    this.count = 0;
  }

  /**
   * Empties the list and gives back arrays grown past `capacity` spans: a list kept between scans then holds what
   * one huge text needed (12 MB for 4 MiB of addresses) only until that scan is done.
   */
  release(capacity: number): void {
    this.count = 0;
    if (this.start.length > capacity) {
      this.start = new Int32Array(64);
      this.end = new Int32Array(64);
      this.kind = new Uint8Array(64);
      this.score = new Float64Array(64);
    }
    if (this.orderA.length > capacity) {
      this.orderA = new Int32Array(0);
      this.orderB = new Int32Array(0);
    }
  }

  add(kind: number, start: number, end: number, score: number): void {
    const i = this.count;
    if (i === this.start.length) this.grow();
    this.start[i] = start;
    this.end[i] = end;
    this.kind[i] = kind;
    this.score[i] = score;
    this.count = i + 1;
  }

  /** Overwrites span `to` with span `from` of this list. */
  move(from: number, to: number): void {
    this.start[to] = this.start[from] as number;
    this.end[to] = this.end[from] as number;
    this.kind[to] = this.kind[from] as number;
    this.score[to] = this.score[from] as number;
  }

  /** Appends span `i` of `from`. */
  copy(from: SpanList, i: number): void {
    this.add(from.kind[i] as number, from.start[i] as number, from.end[i] as number, from.score[i] as number);
  }

  /** Fourfold: fewer steps from the small start to the 100k+ spans of a dense 4 MiB text. */
  private grow(): void {
    const c = this.start.length * 4;
    const start = new Int32Array(c);
    start.set(this.start);
    const end = new Int32Array(c);
    end.set(this.end);
    const kind = new Uint8Array(c);
    kind.set(this.kind);
    const score = new Float64Array(c);
    score.set(this.score);
    this.start = start;
    this.end = end;
    this.kind = kind;
    this.score = score;
  }

  typeAt(i: number): PiiType {
    return PII_TYPES[this.kind[i] as number] as PiiType;
  }

  entity(i: number): Entity {
    return { type: this.typeAt(i), start: this.start[i] as number, end: this.end[i] as number, score: this.score[i] as number };
  }
}

/** Indices of `l`'s spans by start, longer first (text/sort-spans.ts), in work arrays the list keeps. */
export function sortedOrder(l: SpanList, dl?: DeadlineClock): Int32Array {
  const n = l.count;
  if (l.orderA.length < n) {
    l.orderA = new Int32Array(n + (n >> 1));
    l.orderB = new Int32Array(n + (n >> 1));
  }
  return sortedIndexOrder(n, l.start, l.end, l.orderA, l.orderB, dl);
}

function better(l: SpanList, a: number, b: number): boolean {
  const pa = KIND_PRIORITY[l.kind[a] as number] as number;
  const pb = KIND_PRIORITY[l.kind[b] as number] as number;
  if (pa !== pb) return pa > pb;
  const la = (l.end[a] as number) - (l.start[a] as number);
  const lb = (l.end[b] as number) - (l.start[b] as number);
  if (la !== lb) return la > lb;
  return (l.score[a] as number) > (l.score[b] as number);
}

/**
 * `resolveOverlaps` (resolve.ts) over a span list: the kept spans, non-overlapping and sorted by start, written to
 * `out` (cleared first; not `l`). `dl`: a deadline checked every DEADLINE_STRIDE spans (see guard/deadline.ts).
 */
export function resolveSpans(l: SpanList, out: SpanList, dl?: DeadlineClock): SpanList {
  const order = sortedOrder(l, dl);
  // The kept indices are a prefix-stack no longer than the part of `order` already read: stored in place.
  const kept = order;
  let m = 0;
  let check = 0;
  for (let k = 0; k < l.count; k++) {
    if (k >= check) check = deadlineAt(dl, k);
    const e = order[k] as number;
    if ((l.end[e] as number) <= (l.start[e] as number)) continue;
    if (m === 0 || (l.start[e] as number) >= (l.end[kept[m - 1] as number] as number)) {
      kept[m++] = e;
      continue;
    }
    if (better(l, e, kept[m - 1] as number)) {
      m--;
      // The winner may now overlap earlier accepted spans; drop those it beats, stop at one that beats it.
      let keep = true;
      while (m > 0) {
        const prev = kept[m - 1] as number;
        if ((l.end[prev] as number) <= (l.start[e] as number)) break;
        if (better(l, e, prev)) m--;
        else {
          keep = false;
          break;
        }
      }
      if (keep) kept[m++] = e;
    }
  }
  out.clear();
  check = 0;
  for (let k = 0; k < m; k++) {
    if (k >= check) check = deadlineAt(dl, k);
    out.copy(l, kept[k] as number);
  }
  return out;
}
