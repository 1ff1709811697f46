/** @module BENCH_PROFILE=1: runs Warden (one process) under `node --cpu-prof` with JSON and SSE load, then prints its hot spots. */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hotSpots } from './cpu-profile.js';
import { runLoad } from './load.js';
import { startWarden } from './targets.js';

export type ProfileOptions = {
  readonly root: string;
  readonly logDir: string;
  readonly outDir: string;
  readonly stubPort: number;
  readonly models: readonly string[];
  /** The model the load asks for (one of `models`): sets the stub's answer delay. */
  readonly model: string;
  readonly body: (model: string, stream: boolean) => string;
  readonly durationSec: number;
  readonly connections: number;
  readonly variant: 'cli' | 'bare';
};

export async function profileWarden(o: ProfileOptions): Promise<void> {
  mkdirSync(o.outDir, { recursive: true });
  const before = new Set(readdirSync(o.outDir));
  const t = await startWarden({
    root: o.root, logDir: o.logDir, stubPort: o.stubPort, models: o.models, workers: 1, variant: o.variant,
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', o.outDir, '--cpu-prof-interval', '200'],
  });
  let fromUs: number;
  try {
    // A short warm-up lets the JIT settle; the profile is read from the end of it.
    await runLoad({ url: t.url, headers: t.headers, body: o.body(o.model, false), connections: 32, durationSec: 1 });
    fromUs = Number(process.hrtime.bigint() / 1000n);
    for (const stream of [false, true]) {
      const r = await runLoad({ url: t.url, headers: t.headers, body: o.body(o.model, stream), connections: o.connections, durationSec: o.durationSec / 2 });
      process.stderr.write(`profile load ${stream ? 'sse ' : 'json'}: ${r.ok} requests, ${r.rps.toFixed(0)} req/s\n`);
    }
  } finally {
    await t.stop();
  }
  const fresh = readdirSync(o.outDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    // Worker threads (tsx's compiler) write profiles of their own; the main thread's is the big one.
    .map((f) => join(o.outDir, f)).sort((a, b) => statSync(b).size - statSync(a).size);
  const file = fresh[0];
  if (!file) throw new Error('no .cpuprofile was written');
  const h = hotSpots(file, o.root, 30, fromUs);
  const row = (s: { selfMs: number; selfPct: number; totalMs: number; totalPct: number; fn: string; where: string }): string =>
    `${s.selfPct.toFixed(1).padStart(5)}% self ${s.totalPct.toFixed(1).padStart(5)}% total  ${s.fn}  ${s.where}`;
  process.stdout.write(`profile: ${file} (${h.totalMs.toFixed(0)} ms busy)\n\nBy self time:\n${h.bySelf.map(row).join('\n')}\n\nBy total time:\n${h.byTotal.map(row).join('\n')}\n`);
}
