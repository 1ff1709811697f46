/** @module PII span scoring: overlap and strict matches by type, with UTF-16 predictions mapped to code points. */
import type { PiiRow } from './dataset.js';

export type Span = { type: string; start: number; end: number };
export type Prf = { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
export type PiiReport = Prf & { strict: Prf; byType: Record<string, Prf & { strict: Prf }> };

/** Code-point index of every UTF-16 offset 0..length (the data's offsets are Python code points). */
export function utf16ToCodePoint(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        map[i + 1] = cp;
        i++;
      }
    }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

export function toCodePoints(text: string, spans: readonly Span[]): Span[] {
  const m = utf16ToCodePoint(text);
  return spans.map((s) => ({ type: s.type, start: m[s.start] ?? 0, end: m[s.end] ?? 0 }));
}

function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), tp, fp, fn };
}

type Counts = { tp: number; fp: number; fn: number; stp: number; sfp: number; sfn: number };

/**
 * A predicted span is correct when it overlaps a gold span of the same type (strict: same boundaries);
 * a gold span is found when some predicted span of its type overlaps it. Predicted types the data does
 * not label at all (in this split) are ignored rather than counted as false positives.
 */
export function scorePii(rows: readonly PiiRow[], predicted: readonly Span[][]): PiiReport {
  const goldTypes = new Set(rows.flatMap((r) => r.spans.map((s) => s.type)));
  const by = new Map<string, Counts>();
  const get = (t: string): Counts => {
    let c = by.get(t);
    if (!c) by.set(t, (c = { tp: 0, fp: 0, fn: 0, stp: 0, sfp: 0, sfn: 0 }));
    return c;
  };
  rows.forEach((row, i) => {
    const pred = (predicted[i] ?? []).filter((p) => goldTypes.has(p.type));
    const overlaps = (a: Span, b: Span): boolean => a.type === b.type && a.start < b.end && b.start < a.end;
    const same = (a: Span, b: Span): boolean => a.type === b.type && a.start === b.start && a.end === b.end;
    for (const p of pred) {
      const c = get(p.type);
      if (row.spans.some((g) => overlaps(p, g))) c.tp++;
      else c.fp++;
      if (row.spans.some((g) => same(p, g))) c.stp++;
      else c.sfp++;
    }
    for (const g of row.spans) {
      const c = get(g.type);
      if (!pred.some((p) => overlaps(p, g))) c.fn++;
      if (!pred.some((p) => same(p, g))) c.sfn++;
    }
  });
  const byType: Record<string, Prf & { strict: Prf }> = {};
  const tot: Counts = { tp: 0, fp: 0, fn: 0, stp: 0, sfp: 0, sfn: 0 };
  for (const [t, c] of [...by.entries()].sort()) {
    byType[t] = { ...prf(c.tp, c.fp, c.fn), strict: prf(c.stp, c.sfp, c.sfn) };
    tot.tp += c.tp;
    tot.fp += c.fp;
    tot.fn += c.fn;
    tot.stp += c.stp;
    tot.sfp += c.sfp;
    tot.sfn += c.sfn;
  }
  return { ...prf(tot.tp, tot.fp, tot.fn), strict: prf(tot.stp, tot.sfp, tot.sfn), byType };
}
