/** @module `npm run bench:audit`: audit append throughput on SQLite and PostgreSQL, and verification speed; prints medians and JSON. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAuditLog } from '../src/audit/audit-log.js';
import type { AuditBackend } from '../src/audit/backend.js';
import { ChainWriter } from '../src/audit/chain-writer.js';
import type { RequestEventInput } from '../src/audit/event.js';
import { loadAuditSecrets } from '../src/audit/keys.js';
import { PayloadEncoder } from '../src/audit/payload.js';
import { verifyStore } from '../src/audit/verify-store.js';
import { createPostgresAuditBackend } from '../src/store/postgres/audit-postgres.js';
import { createSqliteAuditBackend } from '../src/store/sqlite/audit-sqlite.js';

const env = process.env;
const num = (name: string, dflt: number): number => (env[name] ? Number(env[name]) : dflt);
const settings = {
  rounds: num('BENCH_ROUNDS', 3),
  sqliteEvents: num('BENCH_AUDIT_EVENTS', 200_000),
  pgEvents: num('BENCH_AUDIT_PG_EVENTS', 100_000),
  verifyEvents: num('BENCH_AUDIT_VERIFY_EVENTS', 1_000_000),
  pgUrl: env.WARDEN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** Writer modes to measure, rounds interleaved so load drift hits them alike ('inline' is the single-thread path). */
  writers: (env.BENCH_AUDIT_WRITERS ?? 'worker').split(',').filter((w): w is 'worker' | 'inline' => w === 'worker' || w === 'inline'),
  /** Verify thread counts to measure (1: all on one thread), rounds interleaved. */
  verifyThreads: (env.BENCH_AUDIT_VERIFY_THREADS ?? '1,2').split(',').map(Number).filter((t) => Number.isInteger(t) && t >= 1),
  nice: env.BENCH_NICE ? Number(env.BENCH_NICE) : undefined,
};

/** BENCH_NICE: priority of this process and of its session's autogroup (see bench/README.md, "On a shared machine"). */
function prioritise(): void {
  if (settings.nice === undefined) return;
  try {
    writeFileSync('/proc/self/autogroup', String(settings.nice));
  } catch {
    // No autogroup support: the process priority below is all there is.
  }
  setPriority(0, settings.nice);
}

/** A realistic request event: key, tenant, model, usage, one finding, and a prompt that is HMAC-ed (not stored). */
function event(i: number): RequestEventInput {
  return {
    kind: 'request', outcome: i % 20 === 0 ? 'blocked' : 'allowed', requestId: `req_${i.toString(36)}`, tenant: 'acme', keyId: 'key_4f9a0c', model: 'gpt-4o-mini',
    provider: 'openai', api: 'openai', stream: i % 2 === 0, region: 'eu-west', status: i % 20 === 0 ? 400 : 200, latencyMs: 180 + (i % 97),
    usage: { inputTokens: 42, outputTokens: 311 },
    ...(i % 20 === 0 ? { code: 'GW_GUARD_BLOCKED', findings: [{ scanner: 'injection.heuristic', count: 1, action: 'block' as const, stage: 'input' as const }] } : {}),
    prompt: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise ticket ${i} for the support team in two sentences."}]}`,
  };
}

/** Events recorded per event-loop turn. */
const BURST = num('BENCH_AUDIT_BURST', 500);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
/** On-CPU time of the calling thread alone (ms): the request thread's share, apart from the writer thread's. */
const threadCpuMs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
/** CPU time is process-wide (all threads, GC helpers included), so it is the figure that survives a shared machine. */
const usPer = (perCpuSec: number): string => (1e6 / perCpuSec).toFixed(1);

/** Records `n` events as the gateway does (record() per event) and waits until all are committed. */
type AppendRound = { eventsPerSec: number; eventsPerCpuSec: number; mainUsPerEvent: number; recordUsPerEvent: number };

async function append(backend: AuditBackend, n: number, writer: 'worker' | 'inline'): Promise<AppendRound> {
  const log = createAuditLog({ backend, nodeId: `bench-${randomBytes(3).toString('hex')}`, queueLimit: n + 10, checkpointEvery: 4096, writer });
  await log.ready();
  await log.flush();
  const m0 = threadCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // Like a busy gateway: requests finish in bursts between event-loop turns, and the writer drains in between.
  let recordMs = 0;
  for (let i = 0; i < n;) {
    const r0 = performance.now();
    for (const end = Math.min(n, i + BURST); i < end; i++) {
      if (!log.record(event(i))) throw new Error('audit queue full');
    }
    recordMs += performance.now() - r0;
    await new Promise((r) => setImmediate(r));
  }
  await log.flush();
  const t2 = performance.now();
  const cpu = cpuMs(process.cpuUsage(c0));
  const main = threadCpuMs() - m0;
  await log.close();
  return {
    eventsPerSec: Math.round(n / ((t2 - t0) / 1000)), eventsPerCpuSec: Math.round(n / (cpu / 1000)),
    mainUsPerEvent: Math.round((main * 1000 / n) * 100) / 100, recordUsPerEvent: Math.round((recordMs * 1000 / n) * 100) / 100,
  };
}

/** Medians of rounds, per writer mode. */
function summary(rounds: readonly AppendRound[]): AppendRound & { rounds: readonly AppendRound[] } {
  const med = (k: keyof AppendRound): number => median(rounds.map((r) => r[k]));
  return { eventsPerSec: med('eventsPerSec'), eventsPerCpuSec: med('eventsPerCpuSec'), mainUsPerEvent: med('mainUsPerEvent'), recordUsPerEvent: med('recordUsPerEvent'), rounds };
}

/** Runs `rounds` rounds per writer mode, interleaved. */
async function appendRounds(backend: AuditBackend, n: number): Promise<Record<string, ReturnType<typeof summary>>> {
  const by = new Map<string, AppendRound[]>(settings.writers.map((w) => [w, []]));
  for (let r = 0; r < settings.rounds; r++) {
    for (const w of settings.writers) by.get(w)?.push(await append(backend, n, w));
  }
  return Object.fromEntries([...by].map(([w, rs]) => [w, summary(rs)]));
}

/** Fills a chain quickly (prepared payloads straight into the writer) for the verification benchmark. */
async function fill(backend: AuditBackend, dir: string, n: number): Promise<void> {
  const secrets = loadAuditSecrets(dir, 'verify-node');
  const w = new ChainWriter(backend, 'verify-node', secrets.signer);
  const encoder = new PayloadEncoder('verify-node', secrets.hmacKey);
  await w.open(Date.now());
  const batch = 10_000;
  for (let done = 0; done < n; done += batch) {
    const items = Array.from({ length: Math.min(batch, n - done) }, (_, k) => encoder.encode(event(done + k), 1_760_000_000_000 + done + k));
    await w.append(items, (done / batch) % 4 === 3 || done + batch >= n ? 'periodic' : undefined, Date.now());
  }
}

async function pgBackend(dir: string): Promise<{ backend: AuditBackend; drop: () => Promise<void> } | undefined> {
  const name = `warden_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: settings.pgUrl, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    console.warn(`PostgreSQL not reachable at ${settings.pgUrl} (${err instanceof Error ? err.message : String(err)}): skipping the PostgreSQL rows. Set WARDEN_TEST_PG.`);
    await admin.end().catch(() => undefined);
    return undefined;
  }
  await admin.end();
  const url = new URL(settings.pgUrl);
  url.pathname = `/${name}`;
  const backend = await createPostgresAuditBackend(url.toString(), { dataDir: dir });
  return {
    backend,
    drop: async () => {
      await backend.close();
      const a = new pg.Client({ connectionString: settings.pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function main(): Promise<void> {
  prioritise();
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-audit-'));
  const results: Record<string, unknown> = { settings, loadavgBefore: loadavg().map((x) => Math.round(x * 100) / 100), node: process.version };
  try {
    const sqlite = createSqliteAuditBackend(dir);
    results.sqliteAppend = await appendRounds(sqlite, settings.sqliteEvents);

    const pgb = settings.pgEvents > 0 ? await pgBackend(dir) : undefined;
    if (pgb) {
      results.postgresAppend = await appendRounds(pgb.backend, settings.pgEvents);
      await pgb.drop();
    }

    await fill(sqlite, dir, settings.verifyEvents);
    const vs = new Map<number, { ms: number; cpuMs: number }[]>(settings.verifyThreads.map((t) => [t, []]));
    for (let r = 0; r < settings.rounds; r++) {
      for (const threads of settings.verifyThreads) {
        const c0 = process.cpuUsage();
        const v = await verifyStore(sqlite, { chains: ['verify-node'], threads });
        if (!v.ok || v.events !== settings.verifyEvents) throw new Error(`verification failed: ${JSON.stringify(v.firstBad)}`);
        vs.get(threads)?.push({ ms: v.ms, cpuMs: Math.round(cpuMs(process.cpuUsage(c0))) });
      }
    }
    results.verify = Object.fromEntries([...vs].map(([t, rs]) => [`threads${t}`, {
      events: settings.verifyEvents, threads: t, ms: median(rs.map((x) => x.ms)), cpuMs: median(rs.map((x) => x.cpuMs)), rounds: rs,
    }]));
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.loadavgAfter = loadavg().map((x) => Math.round(x * 100) / 100);
  const verifyRows = Object.values(results.verify as Record<string, { events: number; threads: number; ms: number; cpuMs: number }>).map((v) =>
    `${`verify ${v.events.toLocaleString('en-US')} events, ${v.threads === 1 ? 'one thread' : `${v.threads} threads`}:`.padEnd(40)}${(v.ms / 1000).toFixed(2)} s (median; ${(v.cpuMs / 1000).toFixed(2)} s CPU = ${(v.cpuMs * 1000 / v.events).toFixed(2)} us CPU/event)`);
  const line = (label: string, x: AppendRound): string =>
    `${label.padEnd(40)}${x.eventsPerSec.toLocaleString('en-US')} events/s (median of ${settings.rounds}; ${usPer(x.eventsPerCpuSec)} us CPU/event in all threads, ${x.mainUsPerEvent} us on the request thread; record() ${x.recordUsPerEvent} us/event)`;
  const rows = (db: string, r: unknown): string[] => r === undefined ? [`audit append, ${db}: skipped`]
    : Object.entries(r as Record<string, AppendRound>).map(([w, x]) => line(`audit append, ${db}, ${w}:`, x));
  process.stdout.write([
    ...rows('SQLite', results.sqliteAppend),
    ...rows('PostgreSQL', results.postgresAppend),
    ...verifyRows,
    `load average before/after: ${(results.loadavgBefore as number[]).join(' ')} / ${(results.loadavgAfter as number[]).join(' ')}`,
    JSON.stringify(results),
  ].join('\n') + '\n');
}

await main();
