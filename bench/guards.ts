/** @module `npm run bench:guards`: µs per prompt (median, p99) and MB/s for each guard scanner and the input pipeline, one thread. */
import { harmfulScanner } from '../src/guard/scanners/harmful/index.js';
import { injectionScanner } from '../src/guard/scanners/injection/index.js';
import type { Scanner, ScanContext, ScannerDefinition } from '../src/guard/types.js';

const SENTENCES = [
  'Please summarise the attached quarterly report for the finance team and list the three main risks.',
  'The meeting moved to Thursday at 10:30; bring the updated slides and the budget spreadsheet.',
  'How do I kill a Python process that ignores SIGTERM on Linux without rebooting the server?',
  'Our customer Jane Doe wrote to support@example.com about invoice 4471 and a refund of $120.',
  'Write a short poem about autumn leaves falling over a quiet river at dusk.',
  'The API returned a 502 from the upstream provider, so retry with exponential backoff and jitter.',
  'Translate the following paragraph into German, keeping the technical terms in English.',
  'In the table below, the second column lists population figures for each district in 2019.',
];

function prompt(chars: number, seed: number): string {
  let s = '';
  for (let i = seed; s.length < chars; i++) s += `${SENTENCES[(i * 7) % SENTENCES.length] ?? ''} `;
  return s.slice(0, chars);
}

const ctx: ScanContext = { signal: new AbortController().signal, now: () => Date.now(), logger: { warn: () => undefined } };

type Named = { name: string; scanners: Scanner[] };

function instantiate(def: ScannerDefinition<unknown>): Scanner {
  return def.create(def.parseOptions(undefined));
}

/** Other scanners of the default input pipeline, if their folders exist yet. */
async function optional(path: string, exportName: string): Promise<Scanner | undefined> {
  try {
    const m = (await import(path)) as Record<string, unknown>;
    const def = m[exportName] as ScannerDefinition<unknown> | undefined;
    return def && typeof def.create === 'function' ? instantiate(def) : undefined;
  } catch {
    return undefined;
  }
}

async function time(s: Named, text: string, iters: number): Promise<{ median: number; p99: number; mbps: number }> {
  for (let i = 0; i < Math.min(200, iters); i++) for (const sc of s.scanners) await sc.scan({ text, stage: 'input', origin: 'user' }, ctx);
  const ts: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    for (const sc of s.scanners) await sc.scan({ text, stage: 'input', origin: 'user' }, ctx);
    ts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  const median = ts[Math.floor(ts.length / 2)] ?? 0;
  const p99 = ts[Math.min(ts.length - 1, Math.floor(ts.length * 0.99))] ?? 0;
  return { median, p99, mbps: text.length / median };
}

const injection = instantiate(injectionScanner as ScannerDefinition<unknown>);
const harmful = instantiate(harmfulScanner as ScannerDefinition<unknown>);
const pipeline: Scanner[] = [injection];
const missing: string[] = [];
for (const [path, name] of [
  ['../src/guard/scanners/pii/index.js', 'piiScanner'],
  ['../src/guard/scanners/secrets/index.js', 'secretsScanner'],
  ['../src/guard/scanners/smuggling/index.js', 'smugglingScanner'],
] as const) {
  const sc = await optional(path, name);
  if (sc) pipeline.push(sc);
  else missing.push(name);
}

const subjects: Named[] = [
  { name: 'injection', scanners: [injection] },
  { name: 'harmful', scanners: [harmful] },
  { name: `input pipeline (${pipeline.map((p) => p.id).join('+')})`, scanners: pipeline },
];
const sizes = [
  { label: '200 B', chars: 200, iters: 5000 },
  { label: '2 KB', chars: 2048, iters: 3000 },
  { label: '32 KB', chars: 32 * 1024, iters: 300 },
];

const rows: { scanner: string; size: string; medianUs: number; p99Us: number; mbPerS: number }[] = [];
for (const s of subjects) {
  for (const z of sizes) {
    const r = await time(s, prompt(z.chars, z.chars), z.iters);
    rows.push({ scanner: s.name, size: z.label, medianUs: Math.round(r.median * 10) / 10, p99Us: Math.round(r.p99 * 10) / 10, mbPerS: Math.round(r.mbps * 10) / 10 });
  }
}

// Worst cases at the body limit: one run each, wall time in ms.
const huge = [
  { label: '4 MiB benign prose', text: prompt(4 * 1024 * 1024, 3) },
  { label: '4 MiB repeated near-matches', text: 'ignore the previous rows of this table and '.repeat(100_000).slice(0, 4 * 1024 * 1024) },
  { label: '4 MiB base64-ish run', text: 'QUJD'.repeat(1024 * 1024) },
];
const worst: { scanner: string; input: string; ms: number }[] = [];
for (const s of subjects) {
  for (const h of huge) {
    const t0 = process.hrtime.bigint();
    for (const sc of s.scanners) await sc.scan({ text: h.text, stage: 'input', origin: 'user' }, ctx);
    worst.push({ scanner: s.name, input: h.label, ms: Math.round(Number(process.hrtime.bigint() - t0) / 1e4) / 100 });
  }
}

const out = (l: string): void => void process.stdout.write(`${l}\n`);
out(`node ${process.version}, single thread${missing.length > 0 ? `; not present yet: ${missing.join(', ')}` : ''}`);
out(`${'scanner'.padEnd(44)} ${'size'.padEnd(6)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)} ${'MB/s'.padStart(8)}`);
for (const r of rows) out(`${r.scanner.padEnd(44)} ${r.size.padEnd(6)} ${r.medianUs.toFixed(1).padStart(10)} ${r.p99Us.toFixed(1).padStart(10)} ${r.mbPerS.toFixed(1).padStart(8)}`);
for (const w of worst) out(`${w.scanner.padEnd(44)} ${w.input.padEnd(30)} ${w.ms.toFixed(1)} ms`);
out(JSON.stringify({ rows, worst }));
