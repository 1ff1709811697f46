/** @module The systems under test: the stub itself (direct), Warden with 1 or N workers, and Portkey's gateway, each started as its own process. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, firstJsonLine, startService, waitHealthy, type Service } from './processes.js';

export type TargetName = 'direct' | 'warden-1w' | 'warden-2w' | 'warden-bare' | 'warden-base' | 'warden-base-2w' | 'floor' | 'floor-2w' | 'portkey';

export type Target = {
  readonly name: TargetName;
  /** Full URL of the chat completions route. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Every process whose CPU counts as this target's cost (the gateway, its workers); empty for direct. */
  pids(): Promise<number[]>;
  stop(): Promise<void>;
};

export type Stub = { readonly port: number; readonly service: Service; requests(): Promise<number> };

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startStubProcess(root: string, logDir: string): Promise<Stub> {
  const service = startService({
    name: 'stub', command: process.execPath, args: ['--import', 'tsx', join(root, 'bench/support/stub-main.ts')],
    cwd: root, logFile: join(logDir, 'stub.log'),
  });
  const { port } = await firstJsonLine<{ port: number }>(service.child);
  return {
    port, service,
    requests: async () => {
      const r = await fetch(`http://127.0.0.1:${port}/stats`);
      return ((await r.json()) as { requests: number }).requests;
    },
  };
}

export function directTarget(stub: Stub): Target {
  return {
    name: 'direct', url: `http://127.0.0.1:${stub.port}/v1/chat/completions`, headers: { authorization: 'Bearer stub-key' },
    pids: async () => [], stop: async () => undefined,
  };
}

export type WardenOptions = {
  readonly root: string;
  readonly logDir: string;
  readonly stubPort: number;
  readonly models: readonly string[];
  readonly workers: number;
  /** `bare`: createApp without the audit log (diagnostic); `cli`: `warden start`, what users run. */
  readonly variant?: 'cli' | 'bare';
  /** Extra node flags for the gateway process, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Another checkout (built) to run instead of `root`: the `warden-base` target, for A/B against a baseline in one run. */
  readonly baseRoot?: string;
  /** Extra environment for the gateway process. */
  readonly env?: Record<string, string>;
};

/** The node flags `npm start` passes in that checkout (src/cli/heap.ts): the bench measures the process users run. */
function startFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  const entry = words.indexOf('bin/warden.js');
  return words[0] === 'node' && entry > 0 ? words.slice(1, entry) : [];
}

export async function startWarden(o: WardenOptions): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), `warden-bench-${o.workers}w-`));
  const config = join(dir, 'warden.yaml');
  const lines = [
    'providers:',
    `  - { id: stub, type: openai, baseUrl: "http://127.0.0.1:${o.stubPort}/v1", apiKey: "stub-key" }`,
    'models:',
    ...o.models.map((m) => `  - { id: ${m}, provider: stub }`),
    'demo: false',
    '',
  ];
  await writeFile(config, lines.join('\n'));
  const port = await freePort();
  const adminToken = `bench-admin-${process.pid}-${o.workers}`;
  const bare = o.variant === 'bare';
  const name: TargetName = o.baseRoot !== undefined ? (o.workers === 1 ? 'warden-base' : 'warden-base-2w') : bare ? 'warden-bare' : o.workers === 1 ? 'warden-1w' : 'warden-2w';
  const root = o.baseRoot ?? o.root;
  const args = bare
    ? [...(o.nodeFlags ?? []), '--import', 'tsx', join(o.root, 'bench/support/warden-bare-main.ts'), config, String(port), join(dir, 'data')]
    : [...startFlags(root), ...nodeFlagsFromEnv(), ...(o.nodeFlags ?? []), join(root, 'bin/warden.js'), 'start', '--config', config, '--port', String(port), '--data', join(dir, 'data'), '--workers', String(o.workers)];
  const service = startService({
    name, command: process.execPath, args,
    cwd: root, env: { WARDEN_ADMIN_TOKEN: adminToken, WARDEN_LOG_LEVEL: 'warn', ...o.env }, logFile: join(o.logDir, `${name}.log`),
  });
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(`${base}/healthz`);
  const created = await fetch(`${base}/admin/keys`, {
    method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'bench' }),
  });
  if (!created.ok) throw new Error(`${name}: creating a key failed: HTTP ${created.status} ${await created.text()}`);
  const { key } = (await created.json()) as { key: string };
  const target: Target = {
    name, url: `${base}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` },
    // With workers the primary forks them: its own CPU (accepting, relaying) counts too.
    pids: async () => (o.workers === 1 ? [service.pid] : [service.pid, ...(await childPids(service.pid))]),
    stop: () => service.stop(),
  };
  await waitServing(target, o.models[0] ?? 'stub-d0', o.workers * 4);
  return target;
}

/**
 * The `floor` diagnostics: a bare node:http + undici proxy to the stub (bench/support/floor-main.ts), no Warden code;
 * `floor-2w` runs it as a primary and two cluster workers, as `warden-2w` runs.
 */
export async function startFloor(root: string, logDir: string, stubPort: number, workers = 1): Promise<Target> {
  const port = await freePort();
  const name: TargetName = workers === 1 ? 'floor' : 'floor-2w';
  const service = startService({
    name, command: process.execPath,
    args: ['--import', 'tsx', join(root, 'bench/support/floor-main.ts'), String(stubPort), String(port), String(workers)],
    cwd: root, logFile: join(logDir, `${name}.log`),
  });
  await firstJsonLine<{ port: number }>(service.child);
  const target: Target = {
    name, url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: 'Bearer stub-key' },
    pids: async () => (workers === 1 ? [service.pid] : [service.pid, ...(await childPids(service.pid))]),
    stop: () => service.stop(),
  };
  await waitServing(target, 'stub-d0', 4 * workers);
  return target;
}

/** Resolves the Portkey gateway's node server, or undefined when the package is not installed. */
export function portkeyEntry(root: string): string | undefined {
  const p = join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  return existsSync(p) ? p : undefined;
}

export async function startPortkey(root: string, logDir: string, stubPort: number, entry: string): Promise<Target> {
  const port = await freePort();
  const service = startService({
    name: 'portkey', command: process.execPath,
    args: ['--import', join(root, 'bench/support/portkey-fetch-shim.mjs'), entry, `--port=${port}`, '--headless'],
    cwd: root, env: { NODE_ENV: 'production' }, logFile: join(logDir, 'portkey.log'),
  });
  await waitHealthy(`http://127.0.0.1:${port}/`);
  const target: Target = {
    name: 'portkey', url: `http://127.0.0.1:${port}/v1/chat/completions`,
    // An OpenAI-compatible host of our own: provider openai plus a custom host (loopback is trusted by default).
    headers: {
      authorization: 'Bearer stub-key', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${stubPort}/v1`,
    },
    pids: async () => [service.pid],
    stop: () => service.stop(),
  };
  await waitServing(target, 'stub-d0', 4);
  return target;
}

/** Waits until `n` requests in a row succeed (every worker has the key). */
async function waitServing(t: Target, model: string, n: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let streak = 0;
  let last = '';
  while (Date.now() < until && streak < n) {
    const r = await fetch(t.url, {
      method: 'POST', headers: { ...t.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
    }).catch((err: unknown) => err instanceof Error ? err : new Error(String(err)));
    if (r instanceof Error) last = r.message;
    else {
      last = `HTTP ${r.status} ${(await r.text()).slice(0, 200)}`;
      if (r.ok) {
        streak++;
        continue;
      }
    }
    streak = 0;
    await new Promise((res) => setTimeout(res, 100));
  }
  if (streak < n) throw new Error(`${t.name} does not serve chat completions: ${last}`);
}

/** `BENCH_NODE_FLAGS`: extra node flags for every Warden process of the run (e.g. `--perf-basic-prof` for `perf`). */
function nodeFlagsFromEnv(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
}
