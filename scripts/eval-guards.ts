/** @module `npm run eval:guards -- --data DIR [--split dev|test] [--json]`: Warden's guards and the offline peers on the same rows. */
import { scoreHarmful } from '../src/guard/scanners/harmful/index.js';
import { scoreInjection } from '../src/guard/scanners/injection/index.js';
import { dataDir, flagString, parseFlags, readClassRows, readPiiRows, splitPath, type ClassRow, type PiiRow } from './eval/dataset.js';
import { binaryMetrics, round } from './eval/metrics.js';
import { loadBinaryPeers, loadSpanPeers } from './eval/peers.js';
import { scorePii, toCodePoints, type PiiReport, type Span } from './eval/pii-eval.js';

const flags = parseFlags(process.argv.slice(2));
const dir = dataDir(flags);
const split = flagString(flags, 'split', 'dev');
const asJson = flags['json'] === true;
const withPeers = flags['no-peers'] !== true;
const print = (s: string): void => void process.stdout.write(`${s}\n`);

type BinaryReport = { precision: number; recall: number; f1: number; fpr: number; bySource: Record<string, { n: number; flagged: number }> };

function report(rows: readonly ClassRow[], flagged: readonly boolean[], positive: (r: ClassRow) => boolean): BinaryReport {
  const m = binaryMetrics(flagged, rows.map(positive));
  const bySource: Record<string, { n: number; flagged: number }> = {};
  rows.forEach((r, i) => {
    const e = (bySource[`${r.source}/${r.label}`] ??= { n: 0, flagged: 0 });
    e.n++;
    if (flagged[i] === true) e.flagged++;
  });
  return { precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), fpr: round(m.fpr), bySource };
}

function printBinary(title: string, r: BinaryReport): void {
  print(`\n${title}: precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  FPR ${r.fpr.toFixed(3)}`);
  for (const [k, v] of Object.entries(r.bySource).sort()) {
    const benign = k.endsWith('/benign');
    print(`  ${k.padEnd(44)} n=${String(v.n).padStart(4)}  flagged=${String(v.flagged).padStart(4)}  ${benign ? 'FPR' : 'recall'} ${(v.flagged / v.n).toFixed(3)}`);
  }
}

function printPeerLine(name: string, r: BinaryReport): void {
  print(`  peer ${name.padEnd(40)} precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  FPR ${r.fpr.toFixed(3)}`);
}

const binaryPeers = withPeers ? await loadBinaryPeers() : [];
for (const p of binaryPeers) if (!p.ok) print(`peer ${p.name} cannot run offline here: ${p.reason}`);

async function binaryTask(task: 'injection' | 'harmful', positive: (r: ClassRow) => boolean, flag: (t: string) => boolean): Promise<BinaryReport | undefined> {
  const path = splitPath(dir, task, split);
  if (path === undefined) {
    print(`\n${task}: no ${task}/${split}.jsonl in ${dir}, skipped`);
    return undefined;
  }
  const rows = readClassRows(path);
  const r = report(rows, rows.map((row) => flag(row.text)), positive);
  printBinary(`${task} (Warden, ${rows.length} rows of ${split})`, r);
  for (const p of binaryPeers) {
    if (!p.ok || p.peer.task !== task) continue;
    try {
      const flagged: boolean[] = [];
      for (const row of rows) flagged.push(await p.peer.flag(row.text));
      printPeerLine(p.peer.name, report(rows, flagged, positive));
    } catch (e) {
      print(`  peer ${p.peer.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return r;
}

const injection = await binaryTask('injection', (r) => r.label !== 'benign', (t) => scoreInjection(t, 'user').score >= 0.5);
const harmful = await binaryTask('harmful', (r) => r.label === 'harmful', (t) => scoreHarmful(t).score >= 0.5);

type Detector = (text: string) => Span[];

/** The PII and secrets detectors belong to other scanners; they may not exist yet. */
async function loadPiiDetector(): Promise<Detector | string> {
  const pieces: Detector[] = [];
  const missing: string[] = [];
  for (const [path, name] of [['../src/guard/scanners/pii/detect.js', 'detectEntities'], ['../src/guard/scanners/secrets/detect.js', 'detectSecrets']] as const) {
    try {
      const m = (await import(path)) as Record<string, unknown>;
      const f = m[name];
      if (typeof f === 'function') pieces.push((t) => (f as Detector)(t));
      else missing.push(`${path} has no ${name}`);
    } catch (e) {
      missing.push(`${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  if (pieces.length === 0) return missing.join('; ');
  if (missing.length > 0) print(`pii: partly available (${missing.join('; ')})`);
  return (t) => pieces.flatMap((d) => d(t));
}

function printPii(title: string, r: PiiReport): void {
  print(`\n${title}: precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  (strict F1 ${r.strict.f1.toFixed(3)})`);
  for (const [t, v] of Object.entries(r.byType)) {
    print(`  ${t.padEnd(20)} P ${v.precision.toFixed(3)}  R ${v.recall.toFixed(3)}  F1 ${v.f1.toFixed(3)}   strict F1 ${v.strict.f1.toFixed(3)}  (gold ${v.tp + v.fn})`);
  }
}

async function piiTask(): Promise<PiiReport | undefined> {
  const path = splitPath(dir, 'pii', split);
  if (path === undefined) return undefined;
  const rows: PiiRow[] = readPiiRows(path);
  const det = await loadPiiDetector();
  let r: PiiReport | undefined;
  if (typeof det === 'string') print(`\npii: skipped, detectors not available (${det})`);
  else {
    r = scorePii(rows, rows.map((row) => toCodePoints(row.text, det(row.text))));
    printPii(`pii (Warden, ${rows.length} rows of ${split})`, r);
  }
  for (const p of withPeers ? await loadSpanPeers() : []) {
    if (!p.ok) {
      print(`  peer ${p.name} cannot run offline here: ${p.reason}`);
      continue;
    }
    const preds: Span[][] = [];
    for (const row of rows) preds.push(toCodePoints(row.text, await p.peer.spans(row.text)));
    const pr = scorePii(rows, preds);
    print(`  peer ${p.peer.name.padEnd(40)} precision ${pr.precision.toFixed(3)}  recall ${pr.recall.toFixed(3)}  F1 ${pr.f1.toFixed(3)}`);
  }
  return r;
}

const pii = await piiTask();

if (asJson) {
  const out: Record<string, unknown> = {};
  if (injection) out['injection'] = injection;
  if (harmful) out['harmful'] = harmful;
  if (pii) {
    const byType: Record<string, { precision: number; recall: number; f1: number }> = {};
    for (const [t, v] of Object.entries(pii.byType)) byType[t] = { precision: round(v.precision), recall: round(v.recall), f1: round(v.f1) };
    out['pii'] = { precision: round(pii.precision), recall: round(pii.recall), f1: round(pii.f1), byType };
  }
  print(JSON.stringify(out));
}
