/** @module Runs Warden: one process, or a primary that forks worker processes sharing one port (node:cluster). */
import cluster from 'node:cluster';
import { hostname } from 'node:os';
import { createApp, configuredModels } from '../app.js';
import { IpcBus, relayIpcBus } from '../bus/ipc-bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { PollOnlyBus } from '../bus/poll-only-bus.js';
import type { Bus } from '../bus/types.js';
import { loadConfig, type Config, type ConfigFlags } from '../config/load-config.js';
import { ensureAdminToken } from '../control/admin-token.js';
import type { Store } from '../store/types.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { SharedCounters } from '../gateway/rate-limit.js';
import type { ReloadReport } from '../reload.js';
import { clusterMetricsText, serveClusterMetrics } from './cluster-metrics.js';
import { tuneHeap, workerExecArgv } from './heap.js';
import { wireExtensions } from './extensions.js';

const FLAGS_ENV = 'WARDEN_WORKER_FLAGS';
const INDEX_ENV = 'WARDEN_WORKER_INDEX';

function warn(err: unknown, what: string): void {
  process.stderr.write(`warden: ${what}: ${err instanceof Error ? err.message : String(err)}\n`);
}

export async function openStore(config: Config): Promise<Store> {
  if (config.store.kind === 'sqlite') return createSqliteStore(config.store.dataDir);
  // Cluster drivers load only in cluster mode: an embedded node does not pay their memory.
  const { createPostgresStore } = await import('../store/postgres/postgres-store.js');
  return createPostgresStore(config.store.url.reveal(), {
    // Start-up waits for the server (bounded); report the first attempt and then every tenth, not each one.
    onError: (err, what) => {
      const attempt = /attempt (\d+)/.exec(what);
      if (!attempt || Number(attempt[1]) % 10 === 1) warn(err, `store ${what}`);
    },
  });
}

/** Redis when configured (cluster, or embedded workers); else IPC between embedded workers, in-process for one process. */
export async function openBus(config: Config, role: 'single' | 'worker'): Promise<Bus> {
  if (config.bus) {
    const { createRedisBus } = await import('../bus/redis-bus.js');
    return createRedisBus({ url: config.bus.url.reveal(), prefix: config.bus.prefix, onError: warn });
  }
  if (role === 'worker') return new IpcBus(process);
  // A PostgreSQL node without Redis has no way to reach other nodes: confirm them through the store.
  return config.store.kind === 'postgres' ? new PollOnlyBus() : new LocalBus();
}

/** Rate-limit counts shared through Redis when the nodes have a Redis bus; else each process limits on its own. */
export async function openRateCounters(config: Config): Promise<{ rateCounters?: SharedCounters }> {
  if (!config.bus) return {};
  const { RedisCounters } = await import('../bus/redis-counters.js');
  return { rateCounters: new RedisCounters({ url: config.bus.url.reveal(), prefix: config.bus.prefix, onError: warn }) };
}

/**
 * Node ids are unique per process and stable across restarts: `--node-id`/WARDEN_NODE_ID when given; else the host
 * plus, in cluster mode where several nodes may share a host, the port (the process id when the port is 0).
 * Workers append `-w<index>`.
 */
export function nodeIdFor(config: Config, worker: number | undefined): string {
  const shared = config.store.kind === 'postgres' || config.bus !== undefined;
  const base = config.nodeId ?? (shared ? `${hostname()}-${config.port === 0 ? `pid${process.pid}` : config.port}` : hostname());
  if (worker === undefined) return config.nodeId ?? `${base}-w0`;
  return `${base}-w${worker}`;
}

export async function serve(flags: ConfigFlags): Promise<void> {
  tuneHeap();
  if (cluster.isWorker) return runWorker();
  const config = loadConfig(flags, process.env);
  for (const w of config.warnings) process.stderr.write(`warden: warning: ${w}\n`);
  if (config.workers <= 1) return runSingle(config, flags);
  return runPrimary(config, flags);
}

function banner(config: Config, url: string, token: string | undefined): string {
  const models = configuredModels(config).map((m) => `    ${m.id}${m.demo ? '  (demo: echoes your message, no provider needed)' : `  -> ${m.providerId}/${m.upstreamModel}`}`);
  const lines = [
    `Warden is serving on ${url}  (${config.workers} worker${config.workers === 1 ? '' : 's'}, region ${config.region}, data ${config.store.kind === 'sqlite' ? config.dataDir : 'postgres'})`,
    `  models:`,
    ...models,
    `  create an API key:   npx warden keys create --tenant my-team${config.demo ? ' --models demo-echo' : ''}`,
    `  try it:              curl ${url}/v1/chat/completions -H "Authorization: Bearer <key>" -H "content-type: application/json" \\`,
    `                         -d '{"model":"demo-echo","messages":[{"role":"user","content":"hello"}]}'`,
  ];
  if (token) {
    lines.push('', `  Admin token (shown once, only its hash is stored; keep it safe):`, `    ${token}`,
      `  Use it with: export WARDEN_ADMIN_TOKEN=<token>  (the CLI and /admin API need it)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Reload messages between the primary and its workers (a SIGHUP to the primary, or an admin call to one worker). */
const RELOAD = 'warden.reload';
const RELOAD_OTHERS = 'warden.reload-others';

/** Reloads on request and says what happened on stderr; a failed reload keeps the running configuration. */
function reloadAndReport(app: { reload(actor: string): Promise<ReloadReport> }, actor: string): void {
  app.reload(actor).then(
    (r) => process.stderr.write(`warden: configuration reloaded (${r.node}): guards ${r.guardsChanged ? 'changed' : 'unchanged'}${r.restartNeeded.length > 0 ? `; needs a restart to apply: ${r.restartNeeded.join(', ')}` : ''}\n`),
    (err: unknown) => warn(err, 'configuration reload failed'),
  );
}

async function runSingle(config: Config, flags: ConfigFlags): Promise<void> {
  const store = await openStore(config);
  const bus = await openBus(config, 'single');
  const nodeId = nodeIdFor(config, undefined);
  const ext = await wireExtensions(config, store, nodeId);
  const app = await createApp(config, { store, bus, nodeId, readConfig: () => loadConfig(flags, process.env), ...(await openRateCounters(config)), ...ext.deps });
  const url = await app.listen();
  process.stdout.write(banner(config, url, app.generatedAdminToken));
  process.on('SIGHUP', () => reloadAndReport(app, 'signal:SIGHUP'));
  onShutdown(async () => {
    await app.close();
    await ext.close();
    await store.close();
  });
}

async function runPrimary(config: Config, flags: ConfigFlags): Promise<void> {
  // The primary prepares the data directory and the admin token once, so workers never race on them.
  const store = await openStore(config);
  const token = await ensureAdminToken(store, config.adminToken?.reveal());
  await store.close();
  cluster.setupPrimary({ silent: false, execArgv: workerExecArgv(process.execArgv) });
  const env = { [FLAGS_ENV]: JSON.stringify(flags) };
  let shuttingDown = false;
  let ready = 0;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const metrics = serveClusterMetrics();
  const fork = (index: number): void => {
    const w = cluster.fork({ ...env, [INDEX_ENV]: String(index) });
    w.on('message', (m: unknown) => {
      if (m === 'warden.ready') {
        ready++;
        if (ready === config.workers) process.stdout.write(banner(config, url, token.generated));
        return;
      }
      if (m === RELOAD_OTHERS) {
        for (const other of Object.values(cluster.workers ?? {})) if (other !== undefined && other !== w) other.send(RELOAD);
        return;
      }
      if (metrics(w, m)) return;
      relayIpcBus(() => Object.values(cluster.workers ?? {}).filter((x) => x !== undefined), m);
    });
    w.on('exit', (code, signal) => {
      if (shuttingDown) return;
      process.stderr.write(`warden: worker ${index} exited (${signal ?? code}); restarting it\n`);
      setTimeout(() => fork(index), 500).unref();
    });
  };
  for (let i = 0; i < config.workers; i++) fork(i);
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.send(RELOAD);
  });
  onShutdown(async () => {
    shuttingDown = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.process.kill('SIGTERM');
      setTimeout(() => { w.process.kill('SIGKILL'); resolve(); }, 5_000).unref();
    })));
  });
}

async function runWorker(): Promise<void> {
  const flags = JSON.parse(process.env[FLAGS_ENV] ?? '{}') as ConfigFlags;
  const index = Number(process.env[INDEX_ENV] ?? '0');
  const config = loadConfig(flags, process.env);
  const store = await openStore(config);
  const bus: Bus = await openBus(config, 'worker');
  const nodeId = nodeIdFor(config, index);
  const ext = await wireExtensions(config, store, nodeId);
  const app = await createApp(config, {
    store, bus, nodeId, rateShare: 1 / config.workers, metricsText: clusterMetricsText,
    readConfig: () => loadConfig(flags, process.env),
    ...(await openRateCounters(config)),
    onAdminReload: () => process.send?.(RELOAD_OTHERS),
    ...ext.deps,
  });
  await app.listen();
  process.on('message', (m: unknown) => {
    if (m === RELOAD) reloadAndReport(app, 'primary');
  });
  process.send?.('warden.ready');
  onShutdown(async () => {
    await app.close();
    await ext.close();
    await store.close();
  });
}

function onShutdown(fn: () => Promise<void>): void {
  let done = false;
  const handler = (): void => {
    if (done) return;
    done = true;
    const t = setTimeout(() => process.exit(0), 10_000);
    t.unref();
    fn().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
