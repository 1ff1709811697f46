/** @module How CLI commands reach Warden: the admin API of a running server, or the data directory when none runs. */
import { request } from 'undici';
import { CliError } from './cli-error.js';

export type Target = { readonly url: string; readonly adminToken: string | undefined };

export type GlobalOptions = { url?: string; adminToken?: string; data?: string; json?: boolean };

export function resolveTarget(opts: GlobalOptions, env: NodeJS.ProcessEnv): Target {
  const url = (opts.url ?? (env.WARDEN_URL || undefined) ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  return { url, adminToken: opts.adminToken ?? (env.WARDEN_ADMIN_TOKEN || undefined) };
}

/** True when a Warden answers /healthz at the URL within a short time. */
export async function isServerUp(target: Target): Promise<boolean> {
  try {
    const res = await request(`${target.url}/healthz`, { headersTimeout: 800, bodyTimeout: 800, signal: AbortSignal.timeout(1_000) });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Calls the admin API; a non-2xx answer becomes a CliError carrying the server's message. */
export async function adminCall<T>(target: Target, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
  if (!target.adminToken) {
    throw new CliError('an admin token is needed to talk to a running Warden: pass --admin-token or set WARDEN_ADMIN_TOKEN (printed once at first start)');
  }
  let res;
  try {
    res = await request(`${target.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (err) {
    throw new CliError(`cannot reach Warden at ${target.url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new CliError(`unexpected answer from ${target.url}${path} (HTTP ${res.statusCode})`);
  }
  if (res.statusCode >= 400) {
    const msg = (parsed as { error?: { message?: string } }).error?.message ?? `HTTP ${res.statusCode}`;
    throw new CliError(`${msg} (HTTP ${res.statusCode})`, res.statusCode === 401 || res.statusCode === 403 ? 3 : 1);
  }
  return parsed as T;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  const cell = (v: unknown): string => (v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(',') || '-' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => cell(r[c])))}\n`);
}
