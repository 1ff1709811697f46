/** @module Starts Warden in-process on a loopback port with a fresh data directory and a config file written for the test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export type Warden = {
  readonly app: App;
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly dataDir: string;
  /** The config file the test wrote; rewrite it and call `app.reload()` to change guard policies at run time. */
  readonly configFile: string;
  /** Creates an API key and returns its secret. */
  key(opts?: { models?: string[]; rpm?: number; tenant?: string }): Promise<string>;
  close(): Promise<void>;
};

/** Starts Warden with the given YAML config text (written to a temp file). */
export async function startWarden(yaml: string, deps: Partial<AppDeps> = {}): Promise<Warden> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const file = join(dataDir, 'warden.yaml');
  writeFileSync(file, yaml);
  const flags = { config: file, data: dataDir, port: 0, host: '127.0.0.1', workers: 1 };
  const config = loadConfig(flags, {});
  const store = createSqliteStore(dataDir);
  const logger = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
  const app = await createApp(config, { store, logger, nodeId: 'e2e', readConfig: () => loadConfig(flags, {}), ...deps });
  const url = await app.listen();
  return {
    app,
    url,
    dataDir,
    configFile: file,
    async key(opts = {}) {
      const r = await app.control.createKey(
        { tenant: opts.tenant ?? 'acme', ...(opts.models ? { models: opts.models } : {}), ...(opts.rpm ? { rpm: opts.rpm } : {}) },
        'e2e',
      );
      return r.key;
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A config naming one OpenAI-shaped and one Anthropic-shaped upstream, with test models on each. Their time
 * limits are generous, so a loaded machine cannot turn a normal answer into a timeout. With `tight`, the same
 * upstreams are also reachable as `gpt-tight` / `claude-tight` with a first-byte limit of TIGHT_FIRST_BYTE_MS.
 */
export function twoProviderConfig(openaiBase: string, anthropicBase: string, extra = '', opts: { tight?: boolean } = {}): string {
  const limits = (firstByteMs: number): string => `timeouts: { connectMs: 2000, firstByteMs: ${firstByteMs}, totalMs: 30000 }`;
  const tightProviders = opts.tight
    ? `
  - { id: local-tight, type: openai, baseUrl: "${openaiBase}", apiKey: "sk-stub-openai", retries: 1, ${limits(TIGHT_FIRST_BYTE_MS)} }
  - { id: anth-tight, type: anthropic, baseUrl: "${anthropicBase}", apiKey: "sk-stub-anthropic", retries: 1, ${limits(TIGHT_FIRST_BYTE_MS)} }`
    : '';
  const tightModels = opts.tight
    ? `
  - { id: gpt-tight, provider: local-tight, upstreamModel: stub-model }
  - { id: claude-tight, provider: anth-tight, upstreamModel: stub-claude }`
    : '';
  return `
providers:
  - { id: local, type: openai, baseUrl: "${openaiBase}", apiKey: "sk-stub-openai", retries: 1, ${limits(15_000)} }
  - { id: anth, type: anthropic, baseUrl: "${anthropicBase}", apiKey: "sk-stub-anthropic", retries: 1, ${limits(15_000)} }${tightProviders}
models:
  - { id: gpt-test, provider: local, upstreamModel: stub-model }
  - { id: claude-test, provider: anth, upstreamModel: stub-claude }${tightModels}
${extra}`;
}

/** First-byte limit of the `*-tight` models; stubs told to be slow wait well past it. */
export const TIGHT_FIRST_BYTE_MS = 400;

export type SseEvent = { event: string | undefined; data: string };

/** Parses a whole SSE body into events (test-side, deliberately independent of src/providers/sse). */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    // A block of only comments or `retry:` carries no event.
    if (data.length > 0) out.push({ event, data: data.join('\n') });
  }
  return out;
}

export type Posted = { status: number; headers: Headers; text: string; json: () => unknown };

/** POSTs JSON (or raw text) to Warden and reads the whole answer. */
export async function post(url: string, path: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Posted> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** No body Warden sends may carry a stack trace or a source path. */
export function assertNoStack(text: string): void {
  if (/\n\s+at .+\(.*:\d+:\d+\)|\.ts:\d+|node_modules|\/work\//.test(text)) throw new Error(`body leaks internals: ${text.slice(0, 500)}`);
}
