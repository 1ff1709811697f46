/** @module Prints every PII false positive / false negative span with context (overlap match by type), for error analysis. */
import { readPiiRows } from './dataset.js';
import { toCodePoints, type Span } from './pii-eval.js';
import { detectEntities } from '../../src/guard/scanners/pii/detect.js';
import { detectSecrets } from '../../src/guard/scanners/secrets/detect.js';

const [path, typesArg, ctxArg] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: pii-errors.ts <file.jsonl> [TYPE,TYPE] [context chars]');
const only = typesArg ? new Set(typesArg.split(',')) : undefined;
const ctx = Number(ctxArg ?? 60);
const rows = readPiiRows(path);
const goldTypes = new Set(rows.flatMap((r) => r.spans.map((s) => s.type)));
const show = (cps: string[], s: Span): string =>
  `${cps.slice(Math.max(0, s.start - ctx), s.start).join('')}⟦${cps.slice(s.start, s.end).join('')}⟧${cps.slice(s.end, s.end + ctx).join('')}`.replace(/\n/g, '⏎');
rows.forEach((row, i) => {
  const pred = toCodePoints(row.text, [...detectEntities(row.text), ...detectSecrets(row.text)]).filter((p) => goldTypes.has(p.type));
  const cps = Array.from(row.text);
  const ov = (a: Span, b: Span): boolean => a.type === b.type && a.start < b.end && b.start < a.end;
  for (const p of pred) if ((!only || only.has(p.type)) && !row.spans.some((g) => ov(p, g))) console.log(`FP ${p.type} #${i} ${row.source}: ${show(cps, p)}`);
  for (const g of row.spans) if ((!only || only.has(g.type)) && !pred.some((p) => ov(p, g))) console.log(`FN ${g.type} #${i} ${row.source}: ${show(cps, g as Span)}`);
});
