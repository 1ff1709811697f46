/** @module Turns the benchmark's raw runs into medians, gateway-vs-direct deltas, Warden/Portkey ratios and the issue's targets. */
import { median } from './stats.js';
import type { TargetName } from './targets.js';

export type Scenario = { readonly id: string; readonly kind: 'json' | 'sse'; readonly delayMs: number; readonly connections: number };

export type RunRecord = {
  readonly round: number;
  readonly scenario: string;
  readonly target: TargetName;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Gateway CPU (all its processes) during the run; 0 for direct. */
  readonly cpuMs: number;
  readonly cpuPerReqMs: number;
  /** Requests the stub received during the run. */
  readonly upstreamCalls: number;
  /** The stub's own CPU per answered request: what serving one request costs a bare Node HTTP server here. */
  readonly stubCpuPerReqMs: number;
};

export type TtfbRecord = { readonly target: TargetName; readonly round: number; readonly ttfbMs: readonly number[]; readonly totalMs: readonly number[] };
export type RssRecord = { readonly target: TargetName; readonly requestsServed: number; readonly rssMb: readonly { readonly pid: number; readonly mb: number }[] };

export type Cell = {
  readonly scenario: string;
  readonly target: TargetName;
  readonly rounds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly addedP50Ms: number | null;
  readonly addedP99Ms: number | null;
  readonly cpuPerReqMs: number | null;
  readonly stubCpuPerReqMs: number;
  readonly failed: number;
  /** Stub calls minus answered requests, summed: requests cut off at the end of a timed run, or lost ones. */
  readonly unanswered: number;
};

export type Check = { readonly target: string; readonly goal: string; readonly measured: string; readonly met: boolean | null };

export type Summary = {
  readonly cells: readonly Cell[];
  readonly ttfb: readonly { target: TargetName; samples: number; medianMs: number; p90Ms: number; addedMedianMs: number | null }[];
  readonly rss: readonly RssRecord[];
  readonly ratios: readonly { scenario: string; warden: TargetName; overPortkey: number }[];
  readonly cpuPerReqMedianMs: Partial<Record<TargetName, number>>;
  /** The same over the runs at 32 connections or more only: the load the issue's benchmark names, without the one-connection latency runs. */
  readonly cpuPerReqLoadMedianMs: Partial<Record<TargetName, number>>;
  readonly checks: readonly Check[];
};

const f = (n: number | null | undefined, d = 3): string => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));

/** The targets that proxy (every one but `direct` and Portkey): ratios and checks are reported for these. */
const GATEWAYS = ['warden-1w', 'warden-2w', 'warden-bare', 'warden-base', 'warden-base-2w', 'floor', 'floor-2w'] as const;

export function summarize(scenarios: readonly Scenario[], targets: readonly TargetName[], runs: readonly RunRecord[], ttfbRuns: readonly TtfbRecord[], rss: readonly RssRecord[]): Summary {
  const cells: Cell[] = [];
  for (const s of scenarios) {
    for (const t of targets) {
      const mine = runs.filter((r) => r.scenario === s.id && r.target === t);
      if (mine.length === 0) continue;
      const paired = (pick: (r: RunRecord) => number): number | null => {
        if (t === 'direct') return null;
        const d = mine.map((r) => {
          const base = runs.find((x) => x.scenario === s.id && x.target === 'direct' && x.round === r.round);
          return base ? pick(r) - pick(base) : Number.NaN;
        });
        const m = median(d);
        return Number.isFinite(m) ? m : null;
      };
      cells.push({
        scenario: s.id, target: t, rounds: mine.length,
        rps: median(mine.map((r) => r.rps)), p50Ms: median(mine.map((r) => r.p50Ms)), p99Ms: median(mine.map((r) => r.p99Ms)),
        addedP50Ms: paired((r) => r.p50Ms), addedP99Ms: paired((r) => r.p99Ms),
        cpuPerReqMs: t === 'direct' ? null : median(mine.map((r) => r.cpuPerReqMs)),
        stubCpuPerReqMs: median(mine.map((r) => r.stubCpuPerReqMs)),
        failed: mine.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
        unanswered: mine.reduce((n, r) => n + (r.upstreamCalls - r.ok), 0),
      });
    }
  }

  const ttfb = targets.flatMap((t) => {
    const all = ttfbRuns.filter((r) => r.target === t).flatMap((r) => r.ttfbMs).sort((a, b) => a - b);
    if (all.length === 0) return [];
    return [{ target: t, samples: all.length, medianMs: median(all), p90Ms: all[Math.floor(all.length * 0.9)] ?? Number.NaN, addedMedianMs: null as number | null }];
  });
  const directTtfb = ttfb.find((x) => x.target === 'direct')?.medianMs;
  for (const x of ttfb) if (x.target !== 'direct' && directTtfb !== undefined) x.addedMedianMs = x.medianMs - directTtfb;

  const ratios: Summary['ratios'][number][] = [];
  for (const s of scenarios) {
    const pk = cells.find((c) => c.scenario === s.id && c.target === 'portkey');
    if (!pk) continue;
    for (const w of GATEWAYS) {
      const c = cells.find((x) => x.scenario === s.id && x.target === w);
      if (c) ratios.push({ scenario: s.id, warden: w, overPortkey: c.rps / pk.rps });
    }
  }

  const cpuPerReqMedianMs: Partial<Record<TargetName, number>> = {};
  const cpuPerReqLoadMedianMs: Partial<Record<TargetName, number>> = {};
  const connectionsOf = new Map(scenarios.map((s) => [s.id, s.connections]));
  for (const t of targets) {
    if (t === 'direct') continue;
    const mine = runs.filter((r) => r.target === t);
    if (mine.length > 0) cpuPerReqMedianMs[t] = median(mine.map((r) => r.cpuPerReqMs));
    const loaded = mine.filter((r) => (connectionsOf.get(r.scenario) ?? 0) >= 32).map((r) => r.cpuPerReqMs);
    if (loaded.length > 0) cpuPerReqLoadMedianMs[t] = median(loaded);
  }

  const checks: Check[] = [];
  const cell = (sc: string, t: TargetName): Cell | undefined => cells.find((c) => c.scenario === sc && c.target === t);
  for (const w of GATEWAYS) {
    if (!targets.includes(w)) continue;
    const cpu = cpuPerReqMedianMs[w];
    checks.push({ target: w, goal: 'CPU per proxied request <= 0.15 ms (median over all runs)', measured: `${f(cpu, 4)} ms`, met: cpu === undefined ? null : cpu <= 0.15 });
    const r = ratios.find((x) => x.scenario === 'json-d0-c32' && x.warden === w);
    checks.push({ target: w, goal: '>= 8x Portkey requests/s at 32 connections (json, 0 ms)', measured: r ? `${f(r.overPortkey, 2)}x` : 'no Portkey run', met: r ? r.overPortkey >= 8 : null });
    for (const kind of ['json', 'sse'] as const) {
      const c = cell(`${kind}-d0-c1`, w);
      checks.push({ target: w, goal: `added p50 <= 0.3 ms at 1 connection (${kind}, 0 ms)`, measured: `${f(c?.addedP50Ms)} ms`, met: c?.addedP50Ms == null ? null : c.addedP50Ms <= 0.3 });
      checks.push({ target: w, goal: `added p99 <= 1 ms at 1 connection (${kind}, 0 ms)`, measured: `${f(c?.addedP99Ms)} ms`, met: c?.addedP99Ms == null ? null : c.addedP99Ms <= 1 });
    }
    const tt = ttfb.find((x) => x.target === w);
    checks.push({ target: w, goal: 'added time to first streamed byte <= 1 ms (median)', measured: `${f(tt?.addedMedianMs)} ms`, met: tt?.addedMedianMs == null ? null : tt.addedMedianMs <= 1 });
    const m = rss.find((x) => x.target === w);
    const maxMb = m ? Math.max(...m.rssMb.map((p) => p.mb)) : undefined;
    checks.push({ target: w, goal: 'RSS < 150 MB per process after 100k requests', measured: m ? `${f(maxMb, 1)} MB after ${m.requestsServed} requests` : '-', met: m && maxMb !== undefined ? (m.requestsServed >= 100_000 ? maxMb < 150 : null) : null });
  }
  return { cells, ttfb, rss, ratios, cpuPerReqMedianMs, cpuPerReqLoadMedianMs, checks };
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function renderSummary(s: Summary): string {
  const out: string[] = [];
  out.push(table(
    ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', '+p50 ms', '+p99 ms', 'cpu/req ms', 'stub cpu/req', 'failed', 'cut off'],
    s.cells.map((c) => [c.scenario, c.target, f(c.rps, 0), f(c.p50Ms), f(c.p99Ms), f(c.addedP50Ms), f(c.addedP99Ms), f(c.cpuPerReqMs, 4), f(c.stubCpuPerReqMs, 4), String(c.failed), String(c.unanswered)]),
  ));
  if (s.ttfb.length > 0) {
    out.push('', 'Time to first streamed byte (stream:true, one connection, sequential):');
    out.push(table(['target', '', 'samples', 'median ms', 'p90 ms', 'added ms'], s.ttfb.map((t) => [t.target, '', String(t.samples), f(t.medianMs), f(t.p90Ms), f(t.addedMedianMs)])));
  }
  if (s.rss.length > 0) {
    out.push('', 'Resident memory after the soak:');
    out.push(table(['target', 'pids', 'requests', 'RSS MB'], s.rss.map((r) => [r.target, r.rssMb.map((p) => p.pid).join(','), String(r.requestsServed), r.rssMb.map((p) => f(p.mb, 1)).join(' / ')])));
  }
  if (s.ratios.length > 0) {
    out.push('', 'Warden / Portkey requests per second:');
    out.push(table(['scenario', 'warden', 'ratio'], s.ratios.map((r) => [r.scenario, r.warden, `${f(r.overPortkey, 2)}x`])));
  }
  out.push('', `CPU per proxied request, median over all runs: ${Object.entries(s.cpuPerReqMedianMs).map(([k, v]) => `${k} ${f(v, 4)} ms`).join(', ')}`);
  out.push(`  over the runs at 32 and 128 connections only: ${Object.entries(s.cpuPerReqLoadMedianMs).map(([k, v]) => `${k} ${f(v, 4)} ms`).join(', ')}`);
  out.push('', 'Targets (issue 2):');
  for (const c of s.checks) out.push(`  [${c.met === null ? ' ?  ' : c.met ? ' met' : 'MISS'}] ${c.target}: ${c.goal}: ${c.measured}`);
  return out.join('\n');
}
