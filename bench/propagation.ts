/**
 * @module `npm run bench:propagation`: 8 node processes on loopback (cluster mode on PostgreSQL + Redis when both are
 * reachable, else one embedded Warden with 8 worker processes), N restrict/lift cycles of `demo-echo`. Prints p50/p99/max
 * of (a) the restrict call's round trip until it returned with every acknowledgement, and (b) the time from the call
 * until each node refused a probe, plus violations: probes sent after the call returned that were still served.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { cpuMs } from './support/processes.js';
import { ADMIN_TOKEN, assertBuilt, makeNodes, ROOT, type ClusterNode } from '../test/cluster/cluster-harness.js';
import { checkServices, createTempDatabase, freshRedisPrefix, TEST_REDIS_URL, type TempDatabase } from '../test/support/services.js';

const env = process.env;
const CYCLES = Number(env.BENCH_CYCLES || 200);
const NODES = Number(env.BENCH_NODES || 8);
const TIMEOUT_MS = 2_000;
/**
 * Pause between two probes of one node while waiting for it to refuse (0 = back to back). 10 ms by default: at 2 ms the
 * 8 probe loops alone keep both cores of this machine busy (each probe is a request and an audit event), and the
 * figures then measure the probing more than the propagation. See bench/README.md.
 */
const PROBE_GAP_MS = Number(env.BENCH_PROBE_GAP_MS ?? 10);
/** When false, probing starts only once the call returned (no probe traffic competes with the propagation). */
const PROBE_DURING = env.BENCH_PROBE_DURING !== '0';
/** Optional scheduling priority for the bench and its nodes (-20..19; negative needs root), against noisy neighbours. */
const NICE = env.BENCH_NICE === undefined || env.BENCH_NICE === '' ? undefined : Number(env.BENCH_NICE);
const MODE: 'cluster' | 'embedded' = env.BENCH_MODE === 'embedded' || env.BENCH_MODE === 'cluster' ? env.BENCH_MODE
  : (await checkServices(['postgres', 'redis'])).ok ? 'cluster' : 'embedded';

/** On-CPU milliseconds of each process, by pid (0 for one that is gone). */
async function cpuOf(pids: readonly number[]): Promise<Map<number, number>> {
  return new Map(await Promise.all(pids.map(async (p) => [p, await cpuMs(p)] as const)));
}

/** The PostgreSQL backends serving the bench's database (the nodes' pools), so their CPU can be counted too. */
async function backendPids(url: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return r.rows.map((x) => x.pid);
  } finally {
    await c.end();
  }
}

/** Sets the nice of `pid`'s autogroup; returns the one it had, or undefined when that is not possible here. */
function setGroupNice(pid: number, nice: number): number | undefined {
  try {
    const prev = /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))?.[1];
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    return prev === undefined ? undefined : Number(prev);
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((x) => x !== '').map(Number);
  } catch {
    return [];
  }
}

/** Local redis-server processes (the bus of the cluster run). */
function redisPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

type Endpoint = { readonly id: string; readonly pool: Pool };
type Cycle = { roundTripMs: number; serverElapsedMs: number; refusedAfterMs: number[]; violations: number; missing: number };

const CHAT = JSON.stringify({ model: 'demo-echo', messages: [{ role: 'user', content: 'ping' }] });

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number);
}
const f = (n: number): string => n.toFixed(1).padStart(7);

async function post(pool: Pool, path: string, body: unknown, auth: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await pool.request({ method: 'POST', path, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
}

/** Status of one probe request for the restricted model. */
async function probe(pool: Pool, key: string): Promise<number> {
  const r = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: CHAT });
  await r.body.dump();
  return r.statusCode;
}

async function main(): Promise<void> {
  assertBuilt();
  const prefix = freshRedisPrefix();
  let db: TempDatabase | undefined;
  let nodes: ClusterNode[];
  if (MODE === 'cluster') {
    db = await createTempDatabase();
    nodes = await makeNodes(Array.from({ length: NODES }, (_, i) => ({ id: `bench-${i}`, storeUrl: db!.url, busUrl: TEST_REDIS_URL, prefix })));
  } else {
    // Embedded: one port, 8 workers on SQLite with the IPC bus; 8 keep-alive probe connections, which the primary
    // hands to the workers round-robin, so each probe connection stands for one worker (not guaranteed one-to-one).
    nodes = await makeNodes([{ id: 'bench-embedded', storeUrl: 'sqlite', prefix, workers: NODES }]);
  }
  const restore: (() => void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const undo of restore.splice(0)) undo();
    await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    await db?.drop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    process.stderr.write(`bench:propagation: mode ${MODE}, starting ${MODE === 'cluster' ? `${NODES} node processes` : `1 process with ${NODES} workers`}...\n`);
    await nodes[0]!.start({}, 60_000);
    await Promise.all(nodes.slice(1).map((n) => n.start({}, 60_000)));
    // Keep-alive pools: one per node in cluster mode; in embedded mode one connection per probe endpoint on the shared port.
    const eps: Endpoint[] = MODE === 'cluster'
      ? nodes.map((n) => ({ id: n.id, pool: new Pool(n.url, { connections: 2, pipelining: 1 }) }))
      : Array.from({ length: NODES }, (_, i) => ({ id: `probe-${i}`, pool: new Pool(nodes[0]!.url, { connections: 1, pipelining: 1 }) }));
    const adminPools = nodes.map((n) => new Pool(n.url, { connections: 1, pipelining: 1 }));
    const k = await post(adminPools[0]!, '/admin/keys', { tenant: 'bench' }, ADMIN_TOKEN);
    if (k.status !== 200) throw new Error(`key create failed: ${JSON.stringify(k.json)}`);
    const key = k.json.key as string;
    // Warm up every node's path once.
    await Promise.all(eps.map((e) => probe(e.pool, key)));

    // In embedded mode the nodes are the primary's worker processes: count them too.
    const nodePids = nodes.map((n) => n.pid).filter((p): p is number => p !== undefined).flatMap((p) => [p, ...childPids(p)]);
    const pgBefore = db ? await backendPids(db.url) : [];
    if (NICE !== undefined) {
      // With autogroup scheduling (the Linux default) a process's nice counts only inside its session's group, and every
      // other busy session is a group of its own: the group's nice is what gets the run its share of the cores. The
      // services the nodes wait on must have it too, or a busy run starves them: each PostgreSQL backend is a session
      // (group) of its own (the bench's backends, found above, are raised; the server's other processes are not), and so
      // is redis-server (raised for the run, then put back, as other work on this machine shares it).
      // The group is the whole session (the shell that ran the bench too): put it back afterwards.
      const own = setGroupNice(process.pid, NICE);
      if (own !== undefined) restore.push(() => void setGroupNice(process.pid, own));
      // Workers of an embedded node are children of its primary and are not reniced here.
      for (const pid of [process.pid, ...nodes.map((n) => n.pid)]) if (pid !== undefined) setPriority(pid, NICE);
      for (const pid of pgBefore) setGroupNice(pid, NICE);
      if (MODE === 'cluster') {
        for (const pid of redisPids()) {
          const prev = setGroupNice(pid, NICE);
          if (prev !== undefined) restore.push(() => void setGroupNice(pid, prev));
        }
      }
    }
    const cpu0 = await cpuOf([...nodePids, ...pgBefore]);
    const loadBefore = loadavg();
    const cycles: Cycle[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const admin = adminPools[i % adminPools.length]!;
      const t0 = performance.now();
      let returnedAt = Infinity;
      // Each node is probed (one probe in flight per node, PROBE_GAP_MS apart) from the moment the call is sent, as live traffic would.
      let callReturned: () => void = () => undefined;
      const returned = new Promise<void>((res) => { callReturned = res; });
      const probes = eps.map(async (e) => {
        let violations = 0;
        if (!PROBE_DURING) await returned;
        // Each node's loop starts at its own offset within the gap, so the 8 probes do not land in one burst.
        else if (PROBE_GAP_MS > 0) await new Promise((res) => setTimeout(res, Math.random() * PROBE_GAP_MS));
        for (;;) {
          const sentAt = performance.now();
          const status = await probe(e.pool, key);
          if (status === 403) return { refusedAfterMs: performance.now() - t0, violations };
          if (status !== 200) throw new Error(`probe got HTTP ${status}`);
          if (sentAt >= returnedAt) violations++;
          if (performance.now() - t0 > 10_000) return { refusedAfterMs: NaN, violations };
          if (PROBE_GAP_MS > 0) await new Promise((res) => setTimeout(res, PROBE_GAP_MS));
        }
      });
      const r = await post(admin, '/admin/restrictions', { model: 'demo-echo', reason: `bench cycle ${i}`, timeoutMs: TIMEOUT_MS }, ADMIN_TOKEN);
      returnedAt = performance.now();
      callReturned();
      if (r.status !== 200) throw new Error(`restrict failed: ${JSON.stringify(r.json)}`);
      const results = await Promise.all(probes);
      cycles.push({
        roundTripMs: returnedAt - t0,
        serverElapsedMs: r.json.elapsedMs as number,
        refusedAfterMs: results.map((x) => x.refusedAfterMs),
        violations: results.reduce((s, x) => s + x.violations, 0),
        missing: (r.json.missing as string[]).length,
      });
      const l = await post(admin, `/admin/restrictions/${r.json.id as string}/lift`, { reason: 'bench', timeoutMs: TIMEOUT_MS }, ADMIN_TOKEN);
      if (l.status !== 200) throw new Error(`lift failed: ${JSON.stringify(l.json)}`);
      // Start the next cycle only when every node serves again.
      await Promise.all(eps.map(async (e) => {
        while ((await probe(e.pool, key)) !== 200) await new Promise((res) => setTimeout(res, 1));
      }));
      if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${CYCLES} cycles\n`);
    }
    // CPU per cycle (restrict, lift, probes) of the node processes and of their PostgreSQL backends: unlike the
    // latencies, this barely moves with other work on the machine. Backends opened during the run count from zero.
    const pgAfter = db ? await backendPids(db.url) : [];
    const cpu1 = await cpuOf([...nodePids, ...new Set([...pgBefore, ...pgAfter])]);
    const spent = (pids: readonly number[]): number => pids.reduce((sum, p) => sum + Math.max(0, (cpu1.get(p) ?? 0) - (cpu0.get(p) ?? 0)), 0) / CYCLES;
    const cpuNodes = spent(nodePids);
    const cpuPg = spent([...new Set([...pgBefore, ...pgAfter])]);
    await Promise.all([...eps.map((e) => e.pool.close()), ...adminPools.map((p) => p.close())]);

    const a = cycles.map((c) => c.roundTripMs);
    const s = cycles.map((c) => c.serverElapsedMs);
    const b = cycles.flatMap((c) => c.refusedAfterMs);
    const violations = cycles.reduce((n, c) => n + c.violations, 0);
    const missing = cycles.reduce((n, c) => n + c.missing, 0);
    const row = (name: string, xs: number[]): string => `${name.padEnd(58)} ${f(pct(xs, 50))} ${f(pct(xs, 99))} ${f(Math.max(...xs))}`;
    const out = [
      `bench:propagation  mode=${MODE}  nodes=${NODES}${MODE === 'embedded' ? ' (worker processes)' : ' (processes)'}  cycles=${CYCLES}  probes=${PROBE_DURING ? `during the call, every ${PROBE_GAP_MS} ms` : 'after the call'}  nice=${NICE ?? 'default'}  cpus=${cpus().length}  loadavg before ${loadBefore.map((x) => x.toFixed(1)).join('/')}, after ${loadavg().map((x) => x.toFixed(1)).join('/')}`,
      `${''.padEnd(58)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}   (ms)`,
      row('(a) restrict call returned with all acks (client round trip)', a),
      row('    of which propagation (server elapsedMs)', s),
      row('(b) call sent -> node refused a probe (per node)', b),
      `violations (probe sent after the call returned, still served): ${violations}`,
      `calls that returned with missing nodes: ${missing}`,
      `CPU per cycle (restrict + lift + probes): node processes ${cpuNodes.toFixed(1)} ms, their PostgreSQL backends ${MODE === 'cluster' ? `${cpuPg.toFixed(1)} ms` : 'n/a'}`,
      `target: (a) p99 <= 50 ms: ${pct(a, 99) <= 50 ? 'met' : 'NOT met'}; zero violations: ${violations === 0 ? 'met' : 'NOT met'}`,
    ].join('\n');
    process.stdout.write(`${out}\n`);
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const summary = {
      mode: MODE, nodes: NODES, cycles: CYCLES, cpuPerCycleMs: { nodes: cpuNodes, postgres: MODE === 'cluster' ? cpuPg : null }, probeDuring: PROBE_DURING, probeGapMs: PROBE_GAP_MS, nice: NICE ?? null, cpus: cpus().length, loadavgBefore: loadBefore, loadavg: loadavg(), violations, missing,
      roundTripMs: { p50: pct(a, 50), p99: pct(a, 99), max: Math.max(...a) },
      serverElapsedMs: { p50: pct(s, 50), p99: pct(s, 99), max: Math.max(...s) },
      refusedAfterMs: { p50: pct(b, 50), p99: pct(b, 99), max: Math.max(...b) },
    };
    writeFileSync(join(dir, 'propagation-latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await stopAll();
  }
}

await main();
