/** @module Sentence-level training data for indirect injection: which segments of an injected carrier were inserted. */
import { CHAR_ORDERS_345, foldText, hashFeatures } from '../../src/guard/text/hashed-features.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { segmentRanges } from '../../src/guard/text/segments.js';
import { createTfScratch, tfVector, type TfScratch } from '../../src/guard/text/tf-vector.js';
import type { BinaryRow, Vec } from './train-binary.js';

export type RowSegments = { readonly keys: readonly string[]; readonly vecs: readonly Vec[] };

/** Carrier sources: an instruction inside their data is the attack, so their clean twins label the segments. */
export const CARRIER_SOURCES = new Set(['bipia', 'agentdojo']);

/** With `wordsOnly`, each segment's vector has its word uni/bigrams only (no character n-grams). */
export function segmentRow(text: string, dim: number, scratch: TfScratch = createTfScratch(dim), orders = CHAR_ORDERS_345, wordsOnly = false): RowSegments {
  const t = normalizeForScan(text);
  const f = hashFeatures(t, dim - 1, false, undefined, orders);
  const { units } = foldText(t);
  const keys: string[] = [];
  const vecs: Vec[] = [];
  for (const r of segmentRanges(f)) {
    keys.push(String.fromCharCode(...units.subarray(r.start, r.end)));
    const v = tfVector(f, wordsOnly ? { ...r, to: r.from } : r, scratch);
    vecs.push({ ids: v.ids.slice(0, v.n), vals: v.vals.slice(0, v.n) });
  }
  return { keys, vecs };
}

/**
 * Segments of carrier rows with labels: a segment of an injected carrier that occurs in no clean carrier
 * of the same source is the inserted text (positive); every other carrier segment is negative.
 */
export function labelSegments(rows: readonly BinaryRow[], segs: readonly RowSegments[]): { v: Vec; y: 0 | 1 }[] {
  const clean = new Map<string, Set<string>>();
  rows.forEach((r, i) => {
    if (!CARRIER_SOURCES.has(r.source) || r.y === 1) return;
    const s = clean.get(r.source) ?? new Set<string>();
    for (const k of (segs[i] as RowSegments).keys) s.add(k);
    clean.set(r.source, s);
  });
  const out: { v: Vec; y: 0 | 1 }[] = [];
  rows.forEach((r, i) => {
    if (!CARRIER_SOURCES.has(r.source)) return;
    const known = clean.get(r.source) ?? new Set<string>();
    const rs = segs[i] as RowSegments;
    rs.keys.forEach((k, j) => out.push({ v: rs.vecs[j] as Vec, y: r.y === 1 && !known.has(k) ? 1 : 0 }));
  });
  return out;
}
