/** @module `npm run bench:gateway`: direct vs Warden (1 and 2 workers) vs Portkey against a local stub, A/B alternating; prints a table and JSON. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './support/load.js';
import { cpuMs, rssBytes } from './support/processes.js';
import { renderSummary, summarize, type RssRecord, type RunRecord, type Scenario, type TtfbRecord } from './support/report.js';
import { directTarget, portkeyEntry, startFloor, startPortkey, startStubProcess, startWarden, type Target, type TargetName } from './support/targets.js';
import { measureTtfb } from './support/ttfb.js';
import { profileWarden } from './support/profile-run.js';
import { allocationReport } from './support/alloc-run.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench/results');
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const num = (name: string, dflt: number): number => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : dflt);

const settings = {
  quick: QUICK,
  rounds: num('BENCH_ROUNDS', QUICK ? 2 : 3),
  durationSec: num('BENCH_DURATION', QUICK ? 0.5 : 1.5),
  warmupSec: num('BENCH_WARMUP', QUICK ? 0.4 : 1.5),
  ttfbRounds: num('BENCH_TTFB_ROUNDS', QUICK ? 2 : 5),
  ttfbSamples: num('BENCH_TTFB_SAMPLES', QUICK ? 30 : 80),
  soakRequests: num('BENCH_SOAK', QUICK ? 0 : 100_000),
  connections: (env.BENCH_CONNECTIONS ?? '1,32,128').split(',').map(Number),
  delays: (env.BENCH_DELAYS ?? (QUICK ? '0' : '0,20')).split(',').map(Number),
  kinds: (env.BENCH_KINDS ?? 'json,sse').split(',') as ('json' | 'sse')[],
  targets: (env.BENCH_TARGETS ?? 'direct,warden-1w,warden-2w,portkey').split(',') as TargetName[],
  /** Scheduling priority for the benchmark and everything it starts (-20..19; negative needs root). */
  nice: env.BENCH_NICE === undefined || env.BENCH_NICE === '' ? undefined : Number(env.BENCH_NICE),
};
// The TTFB model: the first frame at once, then 2 ms between frames, so a gateway that buffers shows it.
const TTFB_MODEL = 'stub-d0-g2';
const PROMPT = 'You are a helpful assistant. Answer in one short sentence: what is the capital of France, and why is it famous?';

function body(model: string, stream: boolean): string {
  return JSON.stringify({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: PROMPT }], stream, max_tokens: 64 });
}

function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const kind of settings.kinds) for (const delayMs of settings.delays) for (const connections of settings.connections) {
    out.push({ id: `${kind}-d${delayMs}-c${connections}`, kind, delayMs, connections });
  }
  return out;
}

/** Rebuilds dist/ when a source file is newer; type errors elsewhere in the tree do not stop tsc from emitting. */
function ensureBuilt(): void {
  const main = join(ROOT, 'dist/cli/main.js');
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);
  // Quick mode never builds (tsc takes longer than the whole quick run); it warns when dist/ is stale.
  const build = env.BENCH_BUILD ?? (QUICK ? '0' : '1');
  const stale = !existsSync(main) || newest(join(ROOT, 'src')) > statSync(main).mtimeMs;
  if (stale && build === '0') process.stderr.write('bench: warning: dist/ is older than src/; benchmarking the old build (BENCH_BUILD=1 rebuilds)\n');
  if (stale && build !== '0') {
    process.stderr.write('bench: dist/ is older than src/, building (npm run build)...\n');
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      process.stderr.write('bench: warning: tsc reported type errors; benchmarking what it emitted\n');
    }
  }
  if (!existsSync(main)) throw new Error('dist/cli/main.js is missing: run `npm run build`');
}

/** On a shared machine other work steals the cores; a higher priority for every process of the run keeps the figures closer to an idle host. */
async function prioritise(pids: readonly number[]): Promise<void> {
  if (settings.nice === undefined) return;
  // With autogroup scheduling (Linux default) a process's nice only counts inside its session's group, and
  // every other busy session is a group of its own: the group's nice is what gets the run its share.
  try {
    writeFileSync('/proc/self/autogroup', String(settings.nice));
  } catch {
    // No autogroup support: per-process priority below is all there is.
  }
  for (const pid of pids) {
    try {
      setPriority(pid, settings.nice);
    } catch (err) {
      process.stderr.write(`bench: cannot set priority ${settings.nice} on ${pid}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

/** Waits until the stub's request count stops moving, so requests a gateway still had queued from the previous run are not counted in the next. */
async function settled(read: () => Promise<number>, maxMs = 3_000): Promise<number> {
  let last = await read();
  for (const until = Date.now() + maxMs; Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 60));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function cpuOf(t: Target): Promise<number> {
  let sum = 0;
  for (const pid of await t.pids()) sum += await cpuMs(pid);
  return sum;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  ensureBuilt();
  await prioritise([process.pid]);
  const logDir = join(RESULTS, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stub = await startStubProcess(ROOT, logDir);
  await prioritise([stub.service.pid]);
  const scen = scenarios();
  const models = [...new Set([...settings.delays.map((d) => `stub-d${d}`), TTFB_MODEL])];
  const targets: Target[] = [];
  const served = new Map<TargetName, number>();
  try {
    if (env.BENCH_PROFILE === '1') {
      await profileWarden({ root: ROOT, logDir, outDir: join(RESULTS, 'profiles'), stubPort: stub.port, models, model: `stub-d${settings.delays[0] ?? 0}`, body, durationSec: num('BENCH_DURATION', 8), connections: settings.connections[0] ?? 32, variant: settings.targets.includes('warden-bare') ? 'bare' : 'cli' });
      return;
    }
    if (env.BENCH_ALLOC === '1') {
      await allocationReport({ root: ROOT, logDir, stub, models, model: `stub-d${settings.delays[0] ?? 0}`, body, durationSec: num('BENCH_DURATION', 3), connections: settings.connections[0] ?? 8 });
      return;
    }
    const pk = portkeyEntry(ROOT);
    for (const name of settings.targets) {
      if (name === 'direct') targets.push(directTarget(stub));
      else if (name === 'warden-1w' || name === 'warden-2w') targets.push(await startWarden({ root: ROOT, logDir, stubPort: stub.port, models, workers: name === 'warden-1w' ? 1 : 2 }));
      else if (name === 'warden-base' || name === 'warden-base-2w') {
        const baseRoot = env.BENCH_BASE_ROOT;
        if (!baseRoot) throw new Error(`${name} needs BENCH_BASE_ROOT: a built checkout to compare against`);
        targets.push(await startWarden({ root: ROOT, logDir, stubPort: stub.port, models, workers: name === 'warden-base' ? 1 : 2, baseRoot }));
      } else if (name === 'warden-bare') targets.push(await startWarden({ root: ROOT, logDir, stubPort: stub.port, models, workers: 1, variant: 'bare' }));
      else if (name === 'floor' || name === 'floor-2w') targets.push(await startFloor(ROOT, logDir, stub.port, name === 'floor' ? 1 : 2));
      else if (name === 'portkey' && pk) targets.push(await startPortkey(ROOT, logDir, stub.port, pk));
      else if (name === 'portkey') process.stderr.write('bench: @portkey-ai/gateway is not installed; skipping it\n');
    }
    for (const t of targets) await prioritise(await t.pids());
    const names = targets.map((t) => t.name);
    process.stderr.write(`bench: ${settings.quick ? 'quick' : 'full'} run: ${names.join(', ')}; ${scen.length} scenarios x ${settings.rounds} rounds x ${settings.durationSec}s\n`);

    for (const t of targets) {
      for (const kind of settings.kinds) {
        const r = await runLoad({ url: t.url, headers: t.headers, body: body('stub-d0', kind === 'sse'), connections: 32, durationSec: settings.warmupSec });
        served.set(t.name, (served.get(t.name) ?? 0) + r.ok);
      }
    }

    const phase = (what: string): void => void process.stderr.write(`bench: ${what} at ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    phase('targets up and warm');
    const runs: RunRecord[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const s of scen) {
        // Rotating the order each round keeps any drift (heat, page cache) from favouring one target.
        const order = targets.map((_, i) => targets[(i + round + scen.indexOf(s)) % targets.length]).filter((t): t is Target => t !== undefined);
        for (const t of order) {
          const up0 = await settled(() => stub.requests());
          const s0 = await cpuMs(stub.service.pid);
          const c0 = await cpuOf(t);
          const r = await runLoad({ url: t.url, headers: t.headers, body: body(`stub-d${s.delayMs}`, s.kind === 'sse'), connections: s.connections, durationSec: settings.durationSec });
          const c1 = await cpuOf(t);
          const s1 = await cpuMs(stub.service.pid);
          // Let requests cut off at the end of the run reach the stub before counting.
          await new Promise((res) => setTimeout(res, s.delayMs));
          const up1 = await settled(() => stub.requests());
          served.set(t.name, (served.get(t.name) ?? 0) + r.ok);
          const cpu = c1 - c0;
          runs.push({ round, scenario: s.id, target: t.name, ok: r.ok, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuMs: cpu, cpuPerReqMs: r.ok > 0 ? cpu / r.ok : Number.NaN, upstreamCalls: up1 - up0, stubCpuPerReqMs: r.ok > 0 ? (s1 - s0) / r.ok : Number.NaN });
          process.stderr.write(`  r${round} ${s.id.padEnd(14)} ${t.name.padEnd(10)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(3)}  p99 ${r.p99Ms.toFixed(3)}  cpu/req ${(cpu / Math.max(1, r.ok)).toFixed(4)} ms\n`);
        }
      }
    }

    phase('load rounds done');
    const ttfbRuns: TtfbRecord[] = [];
    for (let round = 0; round < settings.ttfbRounds; round++) {
      for (const t of targets) {
        // The first samples open the connection and warm the path; they are not kept.
        const samples = await measureTtfb({ url: t.url, headers: t.headers, body: body(TTFB_MODEL, true), samples: settings.ttfbSamples + 5 });
        const kept = samples.slice(5);
        served.set(t.name, (served.get(t.name) ?? 0) + samples.length);
        ttfbRuns.push({ target: t.name, round, ttfbMs: kept.map((x) => x.ttfbMs), totalMs: kept.map((x) => x.totalMs) });
      }
    }

    phase('TTFB done');
    const rss: RssRecord[] = [];
    for (const t of targets) {
      if (t.name === 'direct') continue;
      // Top Warden up to the soak count with JSON and SSE at 32 connections, then read its memory. Portkey is
      // read after what it served: at its rate a 100k soak alone would take minutes.
      for (let i = 0; t.name !== 'portkey' && (served.get(t.name) ?? 0) < settings.soakRequests; i++) {
        const r = await runLoad({ url: t.url, headers: t.headers, body: body('stub-d0', i % 2 === 1), connections: 32, durationSec: 3 });
        served.set(t.name, (served.get(t.name) ?? 0) + r.ok);
      }
      const pids = await t.pids();
      rss.push({ target: t.name, requestsServed: served.get(t.name) ?? 0, rssMb: await Promise.all(pids.map(async (pid) => ({ pid, mb: (await rssBytes(pid).catch(() => Number.NaN)) / 2 ** 20 }))) });
      if (pids.length === 0 || rss.at(-1)?.rssMb.some((p) => Number.isNaN(p.mb))) process.stderr.write(`bench: warning: a process of ${t.name} is gone (see bench/results/logs/${t.name}.log)\n`);
    }

    const summary = summarize(scen, names, runs, ttfbRuns, rss);
    const report = {
      at: new Date(started).toISOString(), elapsedSec: (Date.now() - started) / 1000, node: process.version, cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '', loadAverageBefore: loadBefore, loadAverageAfter: loadavg(), settings, stubPort: stub.port, summary, runs,
      ttfb: ttfbRuns.map((r) => ({ target: r.target, round: r.round, samples: r.ttfbMs.length })),
    };
    mkdirSync(RESULTS, { recursive: true });
    const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
    const json = JSON.stringify(report, null, 2);
    writeFileSync(join(RESULTS, `gateway-${stamp}.json`), json);
    writeFileSync(join(RESULTS, 'gateway-latest.json'), json);
    const load = `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${report.loadAverageAfter.map((x) => x.toFixed(2)).join(' ')} (${report.cpus} cores)`;
    process.stdout.write(`${renderSummary(summary)}\n\n${load}\n\nJSON (also in bench/results/gateway-${stamp}.json):\n${JSON.stringify({ at: report.at, elapsedSec: report.elapsedSec, loadAverageBefore: loadBefore, loadAverageAfter: report.loadAverageAfter, settings, summary })}\n`);
  } finally {
    for (const t of targets) await t.stop();
    await stub.service.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
