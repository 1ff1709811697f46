/** @module Typed placeholders: `[EMAIL_1]`, numbered per distinct value so one value always gets one placeholder. */
import { checkDeadline, deadlineAt, type DeadlineClock } from '../deadline.js';
import { encodeAsciiChecked } from './ascii.js';

export type Span = { readonly type: string; readonly start: number; readonly end: number };

/** Placeholder grammar; bounded repetition keeps the restore scan linear. */
export const PLACEHOLDER = /\[([A-Z][A-Z_]{0,23})_(\d{1,6})\]/g;

/**
 * Replaces each span (non-overlapping, sorted by start) with the placeholder `assign` returns for its value.
 * `assign(type, value)` decides numbering; see `numberPerText` and the pseudonymiser.
 */
export function replaceSpans(text: string, spans: readonly Span[], assign: (type: string, value: string) => string): string {
  let out = '';
  let last = 0;
  for (const s of spans) {
    if (s.start < last) continue;
    out += text.slice(last, s.start) + assign(s.type, text.slice(s.start, s.end));
    last = s.end;
  }
  return out + text.slice(last);
}

/**
 * Numbering that is stable per distinct value within one text: the first e-mail is [EMAIL_1], a repeat reuses it.
 * `onNew` hears each new placeholder with its value (the pseudonymiser keeps them to restore the answer).
 */
export function numberPerText(onNew?: (placeholder: string, value: string) => void): (type: string, value: string) => string {
  const byValue = new Map<string, string>();
  const counts = new Map<string, number>();
  return (type, value) => {
    const key = `${type}\u0000${value}`;
    const known = byValue.get(key);
    if (known !== undefined) return known;
    const n = (counts.get(type) ?? 0) + 1;
    counts.set(type, n);
    const ph = `[${type}_${n}]`;
    byValue.set(key, ph);
    onNew?.(ph, value);
    return ph;
  };
}

/** Spans as parallel arrays (see spans.ts): `names[kind[i]]` is span i's type. */
export type SpanArrays = {
  readonly count: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly kind: Uint8Array;
};

/** Above this many spans, short stretches of text are copied into a code-unit buffer instead of sliced. */
const MANY_SPANS = 256;
/** Stretches of text at least this long between two spans are sliced even in the buffered builder. */
const LONG_STRETCH = 128;
const CHUNK = 8192;

/**
 * `replaceSpans(text, spans, numberPerText())` for spans sorted and non-overlapping, without a string per span:
 * values are told apart by a hash of their code units and a comparison with the first occurrence (no `type + value`
 * key), and with many spans the output is assembled in a code-unit buffer rather than from one slice and two
 * concatenations per span. The 4 MiB body limit holds 300k addresses; this keeps their redaction to a few
 * operations per code unit. `dl`: a deadline checked every DEADLINE_STRIDE spans (see guard/deadline.ts).
 */
export function redactNumbered(text: string, spans: SpanArrays, names: readonly string[], dl?: DeadlineClock): string {
  const n = spans.count;
  const { start, end, kind } = spans;
  if (n < MANY_SPANS) {
    // Few spans (every ordinary prompt): the plain way, with no work arrays to allocate.
    const assign = numberPerText();
    let out = '';
    let last = 0;
    for (let k = 0; k < n; k++) {
      const s = start[k] as number;
      if (s < last) continue;
      const e = end[k] as number;
      out += text.slice(last, s) + assign(names[kind[k] as number] ?? '', text.slice(s, e));
      last = e;
    }
    return out + text.slice(last);
  }
  const bytes = asciiBytes(text, dl);
  checkDeadline(dl);
  if (bytes !== undefined) return redactAscii(bytes, spans, names, dl);
  const placeholder = numberSpans(spans, names, (s, e, t) => hashUnits(text, s, e, t), (a, ae, c, ce) => sameText(text, a, ae, c, ce), dl);
  const b = new Builder(text, true);
  let last = 0;
  let check = 0;
  for (let k = 0; k < n; k++) {
    if (k >= check) check = deadlineAt(dl, k);
    const ph = placeholder[k];
    if (ph === undefined) continue;
    b.text(last, start[k] as number);
    b.str(ph);
    last = end[k] as number;
  }
  b.text(last, text.length);
  return b.done();
}

/**
 * The placeholder of each span (sorted), `[TYPE_n]` with one number per distinct value of a type: values are told
 * apart by a hash of their units and a comparison with the value's first span (open addressing over (kind, value); a
 * slot holds 1 + that span's index), not by a `type + value` string. A span overlapping an earlier one gets none.
 */
function numberSpans(
  spans: SpanArrays, names: readonly string[],
  hashOf: (s: number, e: number, kind: number) => number, same: (a: number, ae: number, b: number, be: number) => boolean,
  dl: DeadlineClock | undefined,
): (string | undefined)[] {
  const n = spans.count;
  const { start, end, kind } = spans;
  let size = 16;
  while (size < n * 2) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  const placeholder = new Array<string | undefined>(n);
  const counts = new Int32Array(names.length);
  let last = 0;
  let check = 0;
  for (let k = 0; k < n; k++) {
    if (k >= check) check = deadlineAt(dl, k);
    const s = start[k] as number;
    const e = end[k] as number;
    const t = kind[k] as number;
    if (s < last) continue;
    let slot = hashOf(s, e, t) & mask;
    let ph: string | undefined;
    for (;;) {
      const at = slots[slot] as number;
      if (at === 0) break;
      const f = at - 1;
      if (kind[f] === t && same(start[f] as number, end[f] as number, s, e)) {
        ph = placeholder[f];
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (ph === undefined) {
      const c = (counts[t] as number) + 1;
      counts[t] = c;
      ph = `[${names[t] ?? ''}_${c}]`;
      slots[slot] = k + 1;
    }
    placeholder[k] = ph;
    last = e;
  }
  return placeholder;
}

/** FNV-1a of a value's code units, seeded with its kind, folded for a power-of-two table. */
function hashUnits(text: string, s: number, e: number, kind: number): number {
  let h = Math.imul(0x811c9dc5 ^ kind, 16777619);
  for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h ^ (h >>> 15);
}

/** `hashUnits` on an ASCII text's bytes (the same value: a byte is its code unit). */
function hashBytes(b: Uint8Array, s: number, e: number, kind: number): number {
  let h = Math.imul(0x811c9dc5 ^ kind, 16777619);
  for (let i = s; i < e; i++) h = Math.imul(h ^ (b[i] as number), 16777619);
  return h ^ (h >>> 15);
}

const DECODER = new TextDecoder();

/** `text` as bytes when it is all ASCII, else undefined. */
function asciiBytes(text: string, dl: DeadlineClock | undefined): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  return encodeAsciiChecked(text, bytes, dl) ? bytes : undefined;
}

/**
 * `redactNumbered` for an ASCII text with many spans, on its bytes: values hashed and compared, and the output
 * assembled, with typed-array reads and writes, then decoded once (native code). Reading and writing code units
 * through `charCodeAt` and `String.fromCharCode` was a seventh of a dense 4 MiB scan. Placeholders are ASCII.
 */
function redactAscii(src: Uint8Array, spans: SpanArrays, names: readonly string[], dl: DeadlineClock | undefined): string {
  const n = spans.count;
  const { start, end } = spans;
  const placeholder = numberSpans(spans, names, (s, e, t) => hashBytes(src, s, e, t), (a, ae, c, ce) => sameBytes(src, a, ae, c, ce), dl);
  // Sized exactly: growing a 4 MiB buffer (a fresh 8 MB one and a copy) ran a few milliseconds past a deadline.
  let size = src.length;
  for (let j = 0; j < n; j++) {
    const ph = placeholder[j];
    if (ph !== undefined) size += ph.length - ((end[j] as number) - (start[j] as number));
  }
  checkDeadline(dl);
  let out = new Uint8Array(size);
  let k = 0;
  let last = 0;
  let check = 0;
  for (let j = 0; j < n; j++) {
    if (j >= check) check = deadlineAt(dl, j);
    const ph = placeholder[j];
    if (ph === undefined) continue;
    const s = start[j] as number;
    const e = end[j] as number;
    // Room for the stretch before the span, the placeholder and the rest of the text.
    const need = k + (s - last) + ph.length + (src.length - e);
    if (need > out.length) {
      const grown = new Uint8Array(Math.max(need, out.length * 2));
      grown.set(out.subarray(0, k));
      out = grown;
    }
    if (s - last > 64) {
      out.set(src.subarray(last, s), k);
      k += s - last;
    } else for (let i = last; i < s; i++) out[k++] = src[i] as number;
    for (let i = 0; i < ph.length; i++) out[k++] = ph.charCodeAt(i);
    last = e;
  }
  out.set(src.subarray(last), k);
  k += src.length - last;
  checkDeadline(dl);
  return DECODER.decode(out.subarray(0, k));
}

function sameBytes(b: Uint8Array, a: number, ae: number, c: number, ce: number): boolean {
  if (ae - a !== ce - c) return false;
  for (let i = 0; i < ae - a; i++) if (b[a + i] !== b[c + i]) return false;
  return true;
}

function sameText(text: string, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (let i = 0; i < ae - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/**
 * Output assembled from slices of the source and, when `buffered`, short pieces copied into a code-unit buffer that
 * is turned into a string every CHUNK units (one string per 8 KiB, not one per piece).
 */
class Builder {
  private readonly buf: Uint16Array | undefined;
  private k = 0;
  private out = '';
  constructor(
    private readonly src: string,
    buffered: boolean,
  ) {
    this.buf = buffered ? new Uint16Array(CHUNK) : undefined;
  }

  text(from: number, to: number): void {
    const buf = this.buf;
    if (buf === undefined || to - from >= LONG_STRETCH) {
      if (to > from) {
        this.flush();
        this.out += this.src.slice(from, to);
      }
      return;
    }
    const src = this.src;
    for (let i = from; i < to; i++) {
      if (this.k === CHUNK) this.flush();
      buf[this.k++] = src.charCodeAt(i);
    }
  }

  str(s: string): void {
    const buf = this.buf;
    if (buf === undefined) {
      this.out += s;
      return;
    }
    for (let i = 0; i < s.length; i++) {
      if (this.k === CHUNK) this.flush();
      buf[this.k++] = s.charCodeAt(i);
    }
  }

  private flush(): void {
    if (this.k === 0 || this.buf === undefined) return;
    this.out += String.fromCharCode.apply(null, this.buf.subarray(0, this.k) as unknown as number[]);
    this.k = 0;
  }

  done(): string {
    this.flush();
    return this.out;
  }
}
