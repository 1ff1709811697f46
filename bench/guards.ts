/**
 * @module `npm run bench:guards`: µs per prompt (median, p99, CPU) and MB/s for each guard scanner and the default input
 * pipeline through the runner, one thread; then the worst cases at the 4 MiB body limit (median and max ms), with the
 * time limit raised to show each scanner's full cost, and again with the default limits, as the gateway runs.
 */
import { resolveGuardPolicy } from '../src/guard/policy.js';
import { runGuards, type GuardRunContext, type ScanText } from '../src/guard/runner.js';
import { harmfulScanner } from '../src/guard/scanners/harmful/index.js';
import { injectionScanner } from '../src/guard/scanners/injection/index.js';
import { piiScanner } from '../src/guard/scanners/pii/index.js';
import { secretsScanner } from '../src/guard/scanners/secrets/index.js';
import { smuggling } from '../src/guard/scanners/smuggling/index.js';
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

/**
 * A flat (sequential) string, as JSON.parse hands the gateway: a string built by `+=` and `slice` is a rope or a
 * slice, whose character reads cost more and would misstate what scanning a request body costs.
 */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function prompt(chars: number, seed: number): string {
  let s = '';
  for (let i = seed; s.length < chars; i++) s += `${SENTENCES[(i * 7) % SENTENCES.length] ?? ''} `;
  return flat(s.slice(0, chars));
}

function repeat(unit: string, chars: number): string {
  return flat(unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars));
}

const ctx: ScanContext = { signal: new AbortController().signal, now: () => performance.now(), logger: { warn: () => undefined } };
const runCtx: GuardRunContext = { now: () => performance.now(), logger: { warn: () => undefined } };

function instantiate(def: ScannerDefinition<unknown>): Scanner {
  return def.create(def.parseOptions(undefined));
}

/** Process CPU time in µs (all threads: includes V8's GC helpers, which are part of the cost). */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

type Subject = { name: string; run: (text: string) => Promise<unknown> };

function slowest(r: unknown): string {
  const threw = (r as { threw?: string }).threw;
  if (threw !== undefined) return `THREW ${threw}`;
  const failed = (r as { findings?: readonly { type: string; scannerId: string }[] }).findings?.find((f) => f.type === 'GW_GUARD_SCANNER_FAILED');
  if (failed !== undefined) return `FAILED ${failed.scannerId}`;
  const blocked = (r as { outcome?: string; blockedBy?: readonly { scannerId: string }[] }).blockedBy?.[0];
  const stop = blocked === undefined ? '' : `blocked by ${blocked.scannerId} (later scanners skipped); `;
  const t = (r as { timings?: readonly { scannerId: string; ms: number }[] }).timings;
  if (t === undefined || t.length === 0) return '';
  const top = [...t].sort((a, b) => b.ms - a.ms)[0];
  return top === undefined ? stop : `${stop}slowest ${top.scannerId} ${top.ms.toFixed(1)} ms`;
}

/** A direct call; a throw is reported (the runner would turn it into a fail-closed block). */
const direct = (name: string, s: Scanner): Subject => ({
  name,
  run: async (text) => {
    try {
      return await s.scan({ text, stage: 'input', origin: 'user' }, ctx);
    } catch (e) {
      return { threw: e instanceof Error ? e.message : String(e) };
    }
  },
});

/** Through runGuards, as the gateway calls it: policy lookups, per-scanner timing, findings, redactions threaded on. */
function pipeline(name: string, scanners: Scanner[]): Subject {
  // The default limits (50 ms per scanner, 40 ms for the stage) would fail a 4 MiB run closed at the first slow scanner
  // and hide the rest: they are raised here and each scanner's own time is reported next to the total instead.
  const rule = (action: 'block' | 'redact') => ({ action, timeoutMs: 60_000 });
  const policy = resolveGuardPolicy({ budgetMs: 60_000, input: { injection: rule('block'), pii: rule('redact'), secrets: rule('redact'), smuggling: rule('redact') } });
  return {
    name: `${name} (${scanners.map((s) => s.id).join('+')})`,
    run: (text) => runGuards('input', [{ text, origin: 'user', ref: 0 }] as ScanText<number>[], scanners, policy, runCtx),
  };
}

/**
 * Through runGuards with the default time limits (50 ms per scanner, 40 ms for the stage): what a 4 MiB request
 * costs in the gateway. A scanner that stops at its deadline fails closed; `reason` is the runner's logged failure reason (timeout, overrun).
 */
function pipelineDefaultLimit(name: string, scanners: Scanner[]): Subject & { reason: () => string } {
  const policy = resolveGuardPolicy({ input: { injection: 'block', pii: 'redact', secrets: 'redact', smuggling: 'redact' } });
  let last = '';
  const c: GuardRunContext = {
    now: () => performance.now(),
    logger: { warn: (o) => void (last = `${(o as { scannerId?: string }).scannerId ?? '?'} ${(o as { reason?: string }).reason ?? '?'}`) },
  };
  return {
    name: `${name} (${scanners.map((s) => s.id).join('+')})`,
    reason: () => last,
    run: (text) => {
      last = '';
      return runGuards('input', [{ text, origin: 'user', ref: 0 }] as ScanText<number>[], scanners, policy, c);
    },
  };
}

async function time(s: Subject, text: string, iters: number): Promise<{ median: number; p99: number; cpu: number; mbps: number }> {
  for (let i = 0; i < Math.min(200, iters); i++) await s.run(text);
  const ts = new Float64Array(iters);
  const c0 = cpuUs();
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await s.run(text);
    ts[i] = (performance.now() - t0) * 1000;
  }
  const cpu = (cpuUs() - c0) / iters;
  ts.sort();
  const median = ts[Math.floor(iters / 2)] ?? 0;
  const p99 = ts[Math.min(iters - 1, Math.floor(iters * 0.99))] ?? 0;
  return { median, p99, cpu, mbps: text.length / median };
}

const smug = instantiate(smuggling as ScannerDefinition<unknown>);
const injection = instantiate(injectionScanner as ScannerDefinition<unknown>);
const harmful = instantiate(harmfulScanner as ScannerDefinition<unknown>);
const pii = instantiate(piiScanner as ScannerDefinition<unknown>);
const secrets = instantiate(secretsScanner as ScannerDefinition<unknown>);

const only = process.env.BENCH_ONLY?.split(',');
const subjects: Subject[] = [
  direct('injection', injection),
  direct('harmful', harmful),
  direct('pii', pii),
  direct('secrets', secrets),
  direct('smuggling', smug),
  // Registry order (scanners/index.ts): smuggling first, so later scanners see what it left.
  pipeline('input pipeline', [smug, injection, pii, secrets]),
  pipeline('pipeline w/o injection', [smug, pii, secrets]),
].filter((s) => only === undefined || only.some((o) => s.name.startsWith(o)));

const scale = Number(process.env.BENCH_SCALE ?? 1);
const sizes = [
  { label: '200 B', chars: 200, iters: 5000 },
  { label: '2 KB', chars: 2048, iters: 3000 },
  { label: '32 KB', chars: 32 * 1024, iters: 300 },
];

/** What a run decided: a scanner's verdict, or the pipeline's outcome (a block skips the later scanners, so say so). */
function outcome(r: unknown): string {
  const v = (r as { verdict?: string }).verdict;
  if (v !== undefined) return v;
  const blocked = (r as { blockedBy?: readonly { scannerId: string }[] }).blockedBy?.[0];
  if (blocked !== undefined) return `blocked by ${blocked.scannerId}: later scanners skipped`;
  return (r as { outcome?: string }).outcome ?? (r as { threw?: string }).threw ?? '';
}

const rows: { scanner: string; size: string; medianUs: number; p99Us: number; cpuUs: number; mbPerS: number; outcome: string }[] = [];
const r1 = (x: number): number => Math.round(x * 10) / 10;
for (const s of subjects) {
  for (const z of sizes) {
    const text = prompt(z.chars, z.chars);
    const r = await time(s, text, Math.max(20, Math.round(z.iters * scale)));
    rows.push({ scanner: s.name, size: z.label, medianUs: r1(r.median), p99Us: r1(r.p99), cpuUs: r1(r.cpu), mbPerS: r1(r.mbps), outcome: outcome(await s.run(text)) });
  }
}

// The body limit: prose, and inputs built to hit each scanner's slow path (anchors, near-matches, non-Latin text).
const MiB4 = 4 * 1024 * 1024;
const huge = [
  { label: 'prose', text: prompt(MiB4, 3) },
  { label: 'near-matches', text: repeat('ignore the previous rows of this table and ', MiB4) },
  { label: 'base64-ish run', text: repeat('QUJD', MiB4) },
  { label: 'digits and dates', text: repeat('call 555 0100 or 4111 1111 1111 1112 on 2024-01-02, ', MiB4) },
  { label: 'emails and urls', text: repeat('a.b@c.de x@y http://h.io/p?q=1 www.x.com ', MiB4) },
  { label: 'key-like assignments', text: repeat('api_key = "sk-abc" password: hunter2 token=xyz ', MiB4) },
  { label: 'Cyrillic/CJK mix', text: repeat('Привет мир, это тест. 你好世界。 ', MiB4) },
  { label: 'invisible chars', text: repeat('a\u200bb\u202ec\u{e0041}', MiB4) },
];
const hugeRuns = Math.max(1, Number(process.env.BENCH_HUGE_RUNS ?? 5));
const worst: { scanner: string; input: string; medianMs: number; maxMs: number; cpuMs: number; note: string }[] = [];
for (const s of subjects) {
  if (s.name.startsWith('harmful')) continue; // not in the input pipeline
  for (const h of huge) {
    const ms: number[] = [];
    let note = '';
    const c0 = cpuUs();
    for (let i = 0; i < hugeRuns; i++) {
      const t0 = performance.now();
      const r = await s.run(h.text);
      ms.push(performance.now() - t0);
      note = slowest(r);
    }
    const cpu = (cpuUs() - c0) / hugeRuns / 1000;
    ms.sort((a, b) => a - b);
    worst.push({ scanner: s.name, input: h.label, medianMs: r1(ms[Math.floor(ms.length / 2)] ?? 0), maxMs: r1(ms[ms.length - 1] ?? 0), cpuMs: r1(cpu), note });
  }
}

// The same inputs with the default limits: every scanner checks its deadline as it goes and stops near it.
const limited = [
  pipelineDefaultLimit('limits: pipeline', [smug, injection, pii, secrets]),
  pipelineDefaultLimit('limits: pipeline w/o injection', [smug, pii, secrets]),
  pipelineDefaultLimit('limits: pii', [pii]),
  pipelineDefaultLimit('limits: secrets', [secrets]),
  pipelineDefaultLimit('limits: smuggling', [smug]),
].filter((s) => only === undefined || only.some((o) => s.name.includes(o)));
const bounded: { scanner: string; input: string; medianMs: number; maxMs: number; cpuMs: number; outcome: string }[] = [];
for (const s of limited) {
  for (const h of huge) {
    const ms: number[] = [];
    let outcomeNote = '';
    const c0 = cpuUs();
    for (let i = 0; i < hugeRuns; i++) {
      const t0 = performance.now();
      const r = (await s.run(h.text)) as { outcome: string; blockedBy: readonly { scannerId: string }[] };
      ms.push(performance.now() - t0);
      const failed = s.reason();
      const by = r.blockedBy[0]?.scannerId;
      outcomeNote = failed !== '' ? `${r.outcome} (${failed})` : by !== undefined ? `${r.outcome} by ${by} finding` : r.outcome;
    }
    const cpu = (cpuUs() - c0) / hugeRuns / 1000;
    ms.sort((a, b) => a - b);
    bounded.push({ scanner: s.name, input: h.label, medianMs: r1(ms[Math.floor(ms.length / 2)] ?? 0), maxMs: r1(ms[ms.length - 1] ?? 0), cpuMs: r1(cpu), outcome: outcomeNote });
  }
}

const out = (l: string): void => void process.stdout.write(`${l}\n`);
out(`node ${process.version}, single thread, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
out(`${'scanner'.padEnd(52)} ${'size'.padEnd(6)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)} ${'cpu µs'.padStart(10)} ${'MB/s'.padStart(8)}  outcome`);
for (const r of rows) {
  out(`${r.scanner.padEnd(52)} ${r.size.padEnd(6)} ${r.medianUs.toFixed(1).padStart(10)} ${r.p99Us.toFixed(1).padStart(10)} ${r.cpuUs.toFixed(1).padStart(10)} ${r.mbPerS.toFixed(1).padStart(8)}  ${r.outcome}`);
}
out(`\n4 MiB inputs, ${hugeRuns} runs each: ${'median ms'.padStart(10)} ${'max ms'.padStart(8)} ${'cpu ms'.padStart(8)}`);
for (const w of worst) out(`${w.scanner.padEnd(52)} ${w.input.padEnd(22)} ${w.medianMs.toFixed(1).padStart(10)} ${w.maxMs.toFixed(1).padStart(8)} ${w.cpuMs.toFixed(1).padStart(8)}  ${w.note}`);
out(`\n4 MiB inputs, default limits (40 ms for the stage), ${hugeRuns} runs each: ${'median ms'.padStart(10)} ${'max ms'.padStart(8)} ${'cpu ms'.padStart(8)}  last run's outcome (failed scanner, reason)`);
for (const b of bounded) out(`${b.scanner.padEnd(52)} ${b.input.padEnd(22)} ${b.medianMs.toFixed(1).padStart(10)} ${b.maxMs.toFixed(1).padStart(8)} ${b.cpuMs.toFixed(1).padStart(8)}  ${b.outcome}`);
out(JSON.stringify({ rows, worst, bounded }));
