/** @module Spawns real Warden node processes (the built CLI) in cluster mode on loopback, and talks to them over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ADMIN_TOKEN = `wdn_admin_cluster_test_${process.pid}`;

export { freePort };

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` before the cluster tests');
}

/** A config file with a failClosed model on a stub OpenAI upstream, a second model to fall back to, and demo-echo. */
export function writeClusterConfig(stubBaseUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cluster-'));
  const file = join(dir, 'warden.yaml');
  writeFileSync(file, [
    'providers:',
    '  - id: stub',
    '    type: openai',
    `    baseUrl: ${stubBaseUrl}`,
    '    apiKey: sk-stub',
    '    retries: 0',
    'models:',
    '  - id: gpt-test',
    '    provider: stub',
    '    failClosed: true',
    '  - id: gpt-safe',
    '    provider: stub',
    '    failClosed: true',
    '',
  ].join('\n'));
  return file;
}

export type NodeSpec = {
  readonly id: string;
  readonly storeUrl: string;
  readonly busUrl?: string | undefined;
  readonly prefix: string;
  readonly configFile?: string | undefined;
  readonly port?: number;
  /** Worker processes behind the port (default 1). */
  readonly workers?: number;
};

export class ClusterNode {
  readonly spec: NodeSpec;
  readonly port: number;
  /** Local data directory (audit keys, embedded store); fresh per instance, kept across its restarts. */
  readonly dataDir: string;
  #proc: ChildProcess | undefined;
  #log = '';

  constructor(spec: NodeSpec, port: number) {
    this.spec = spec;
    this.port = port;
    this.dataDir = mkdtempSync(join(tmpdir(), `warden-node-${spec.id}-`));
  }

  get id(): string {
    return this.spec.id;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get log(): string {
    return this.#log;
  }
  get pid(): number | undefined {
    return this.#proc?.pid;
  }
  get running(): boolean {
    return this.#proc !== undefined && this.#proc.exitCode === null && this.#proc.signalCode === null;
  }

  /** Spawns the process; does not wait for it to be ready. */
  spawn(overrides: Partial<Pick<NodeSpec, 'storeUrl' | 'busUrl'>> = {}): void {
    const s = { ...this.spec, ...overrides };
    const args = ['bin/warden.js', 'start', '--store', s.storeUrl, '--port', String(this.port), '--workers', String(s.workers ?? 1), '--host', '127.0.0.1'];
    if (s.busUrl) args.push('--bus', s.busUrl);
    if (s.configFile) args.push('--config', s.configFile);
    const env: NodeJS.ProcessEnv = {
      ...process.env, WARDEN_ADMIN_TOKEN: ADMIN_TOKEN, WARDEN_NODE_ID: s.id, WARDEN_BUS_PREFIX: s.prefix, WARDEN_LOG_LEVEL: 'warn',
      WARDEN_DATA: this.dataDir,
    };
    delete env.WARDEN_CONFIG;
    const p = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer): void => {
      this.#log = (this.#log + d.toString('utf8')).slice(-20_000);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    this.#proc = p;
  }

  async start(overrides: Partial<Pick<NodeSpec, 'storeUrl' | 'busUrl'>> = {}, timeoutMs = 20_000): Promise<void> {
    this.spawn(overrides);
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.running) throw new Error(`node ${this.id} exited before it was ready:\n${this.#log}`);
      if ((await this.readyz()) === 200) return;
      await sleep(50);
    }
    throw new Error(`node ${this.id} not ready within ${timeoutMs} ms:\n${this.#log}`);
  }

  /** HTTP status of /readyz, or 0 when nothing answers. */
  async readyz(): Promise<number> {
    try {
      const r = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      return 0;
    }
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.#proc;
    if (!p || !this.running) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    const t = setTimeout(() => p.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(t);
  }

  async admin<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: r.status, body: (await r.json()) as T };
  }

  async chat(key: string, model: string): Promise<ChatResult> {
    return chatAt(this.url, key, model);
  }
}

export type ChatResult = { readonly status: number; readonly code: string | undefined; readonly message: string; readonly headers: Headers };

export async function chatAt(url: string, key: string, model: string): Promise<ChatResult> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await r.json()) as { error?: { code?: string; message?: string } };
  return { status: r.status, code: body.error?.code, message: body.error?.message ?? '', headers: r.headers };
}

export type Propagated = { id: string; version: number; confirmed: string[]; missing: string[]; elapsedMs: number };

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns true, or throws after `timeoutMs`. */
export async function eventually(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await fn()) return Date.now() - t0;
    await sleep(50);
  }
  throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
}

export async function makeNodes(specs: readonly NodeSpec[]): Promise<ClusterNode[]> {
  const out: ClusterNode[] = [];
  for (const s of specs) out.push(new ClusterNode(s, s.port ?? (await freePort())));
  return out;
}
