/** @module `npm run bench:audit`: audit append throughput on SQLite and PostgreSQL, and verification speed; prints medians and JSON. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
};

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
/** CPU time is process-wide (all threads, GC helpers included), so it is the figure that survives a shared machine. */
const usPer = (perCpuSec: number): string => (1e6 / perCpuSec).toFixed(1);

/** Records `n` events as the gateway does (record() per event) and waits until all are committed. */
async function append(backend: AuditBackend, n: number): Promise<{ eventsPerSec: number; eventsPerCpuSec: number; recordUsPerEvent: number }> {
  const log = createAuditLog({ backend, nodeId: `bench-${randomBytes(3).toString('hex')}`, queueLimit: n + 10, checkpointEvery: 4096 });
  await log.ready();
  await log.flush();
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
  await log.close();
  return { eventsPerSec: Math.round(n / ((t2 - t0) / 1000)), eventsPerCpuSec: Math.round(n / (cpu / 1000)), recordUsPerEvent: Math.round((recordMs * 1000 / n) * 100) / 100 };
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
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-audit-'));
  const results: Record<string, unknown> = { settings, loadavgBefore: loadavg().map((x) => Math.round(x * 100) / 100), node: process.version };
  try {
    const sqlite = createSqliteAuditBackend(dir);
    const sq = [];
    for (let r = 0; r < settings.rounds; r++) sq.push(await append(sqlite, settings.sqliteEvents));
    results.sqliteAppend = { eventsPerSec: median(sq.map((x) => x.eventsPerSec)), eventsPerCpuSec: median(sq.map((x) => x.eventsPerCpuSec)), recordUsPerEvent: median(sq.map((x) => x.recordUsPerEvent)), rounds: sq };

    const pgb = await pgBackend(dir);
    if (pgb) {
      const pr = [];
      for (let r = 0; r < settings.rounds; r++) pr.push(await append(pgb.backend, settings.pgEvents));
      results.postgresAppend = { eventsPerSec: median(pr.map((x) => x.eventsPerSec)), eventsPerCpuSec: median(pr.map((x) => x.eventsPerCpuSec)), rounds: pr };
      await pgb.drop();
    }

    await fill(sqlite, dir, settings.verifyEvents);
    const vs = [];
    for (let r = 0; r < settings.rounds; r++) {
      const c0 = process.cpuUsage();
      const v = await verifyStore(sqlite, { chains: ['verify-node'] });
      if (!v.ok || v.events !== settings.verifyEvents) throw new Error(`verification failed: ${JSON.stringify(v.firstBad)}`);
      vs.push({ ms: v.ms, cpuMs: Math.round(cpuMs(process.cpuUsage(c0))) });
    }
    results.verify = { events: settings.verifyEvents, ms: median(vs.map((x) => x.ms)), cpuMs: median(vs.map((x) => x.cpuMs)), eventsPerSec: Math.round(settings.verifyEvents / (median(vs.map((x) => x.ms)) / 1000)), rounds: vs };
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.loadavgAfter = loadavg().map((x) => Math.round(x * 100) / 100);
  const s = results.sqliteAppend as { eventsPerSec: number; eventsPerCpuSec: number; recordUsPerEvent: number };
  const p = results.postgresAppend as { eventsPerSec: number; eventsPerCpuSec: number } | undefined;
  const v = results.verify as { events: number; ms: number; cpuMs: number };
  process.stdout.write([
    `audit append, SQLite:      ${s.eventsPerSec.toLocaleString('en-US')} events/s (median of ${settings.rounds}; ${s.eventsPerCpuSec.toLocaleString('en-US')} per CPU-second = ${usPer(s.eventsPerCpuSec)} us CPU/event; record() ${s.recordUsPerEvent} us/event)`,
    p ? `audit append, PostgreSQL:  ${p.eventsPerSec.toLocaleString('en-US')} events/s (${p.eventsPerCpuSec.toLocaleString('en-US')} per CPU-second of this process = ${usPer(p.eventsPerCpuSec)} us CPU/event)` : 'audit append, PostgreSQL:  skipped',
    `verify ${v.events.toLocaleString('en-US')} events:   ${(v.ms / 1000).toFixed(2)} s (median; ${(v.cpuMs / 1000).toFixed(2)} s CPU = ${(v.cpuMs * 1000 / v.events).toFixed(2)} us CPU/event)`,
    `load average before/after: ${(results.loadavgBefore as number[]).join(' ')} / ${(results.loadavgAfter as number[]).join(' ')}`,
    JSON.stringify(results),
  ].join('\n') + '\n');
}

await main();
