/**
 * @module BENCH_ALLOC=1: bytes Warden allocates per proxied request, JSON and SSE, and where. Unlike CPU time this
 * figure does not move with the machine's load: it is the lever for GC time and latency outliers.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load.js';
import type { ProfileOptions } from './profile-run.js';
import type { Stub } from './targets.js';
import { startWarden } from './targets.js';

/** What BENCH_PROFILE's run takes, with the stub itself (its request count) instead of its port. */
export type AllocOptions = Omit<ProfileOptions, 'outDir' | 'stubPort' | 'variant'> & { readonly stub: Stub };

type SampleNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: SampleNode[] };

/** Bytes V8 reported allocated between collections (`--trace-gc-nvp`: `allocated=`), summed over the log so far. */
function allocatedInLog(log: string): number {
  let sum = 0;
  for (const m of readFileSync(log, 'utf8').matchAll(/ allocated=(\d+)/g)) sum += Number(m[1]);
  return sum;
}

/** Sampled bytes by the innermost frame in Warden's own code (else the outermost package frame), per request. */
function sitesOf(file: string, root: string, requests: number, top: number): { site: string; bytesPerReq: number }[] {
  const sites = new Map<string, number>();
  const where = (url: string, line: number): string => {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return `${relative(root, path)}:${line + 1}`;
  };
  const walk = (n: SampleNode, own: string | undefined, pkg: string | undefined): void => {
    const { url, functionName, lineNumber } = n.callFrame;
    const here = `${functionName || '(anonymous)'} ${where(url, lineNumber)}`;
    const ownNow = url.includes('/dist/') ? here : own;
    const pkgNow = pkg ?? (url.includes('/node_modules/') ? here : undefined);
    if (n.selfSize > 0) {
      const k = ownNow ?? pkgNow ?? (url === '' ? '(native)' : here);
      sites.set(k, (sites.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, ownNow, pkgNow);
  };
  walk((JSON.parse(readFileSync(file, 'utf8')) as { head: SampleNode }).head, undefined, undefined);
  return [...sites].sort((a, b) => b[1] - a[1]).slice(0, top).map(([site, b]) => ({ site, bytesPerReq: b / requests }));
}

export async function allocationReport(o: AllocOptions): Promise<void> {
  const sampleOut = join(o.logDir, 'heap-sample.json');
  const t = await startWarden({
    root: o.root, logDir: o.logDir, stubPort: o.stub.port, models: o.models, workers: 1,
    nodeFlags: ['--trace-gc-nvp', '--import', join(o.root, 'bench/support/heap-sampler.mjs')],
    env: { WARDEN_HEAP_SAMPLE_OUT: sampleOut },
  });
  const log = join(o.logDir, 'warden-1w.log');
  const out = (l: string): void => void process.stdout.write(`${l}\n`);
  try {
    const [pid] = await t.pids();
    if (pid === undefined) throw new Error('warden is not running');
    for (const stream of [false, true]) {
      const body = o.body(o.model, stream);
      const load = (): ReturnType<typeof runLoad> => runLoad({ url: t.url, headers: t.headers, body, connections: o.connections, durationSec: o.durationSec });
      await runLoad({ url: t.url, headers: t.headers, body, connections: o.connections, durationSec: 1 });
      // First the count, with the sampler off (sampling changes how V8 allocates); then where, with it on.
      const a0 = allocatedInLog(log);
      const q0 = await o.stub.requests();
      const r = await load();
      await new Promise((res) => setTimeout(res, 300));
      const counted = (await o.stub.requests()) - q0;
      const kb = (allocatedInLog(log) - a0) / counted / 1024;
      const q1 = await o.stub.requests();
      process.kill(pid, 'SIGUSR2');
      await load();
      process.kill(pid, 'SIGUSR2');
      await new Promise((res) => setTimeout(res, 1000)); // the profile is written
      const sampled = (await o.stub.requests()) - q1;
      out(`\n${stream ? 'sse ' : 'json'}: ${kb.toFixed(1)} KB allocated per request (${counted} requests at ${r.rps.toFixed(0)}/s, c${o.connections}; V8's own count between collections)`);
      out(`  where (sampled over ${sampled} more requests; the innermost frame in dist/, else the first package frame):`);
      for (const s of sitesOf(sampleOut, o.root, sampled, 20)) out(`  ${s.bytesPerReq.toFixed(0).padStart(7)} B  ${s.site}`);
      rmSync(sampleOut, { force: true });
    }
  } finally {
    await t.stop();
  }
}
