/**
 * @module Shared helpers for suites that need the real PostgreSQL and Redis of this machine: is the server there,
 * a fresh database per run, a fresh Redis key prefix per run. Absent servers skip loudly, or fail under CI=true.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import pg from 'pg';
import { describe, it } from 'vitest';

export const TEST_PG_URL = process.env.WARDEN_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.WARDEN_TEST_REDIS || 'redis://127.0.0.1:6379';

export type ServiceName = 'postgres' | 'redis';

const HOW_TO: Record<ServiceName, string> = {
  postgres: `PostgreSQL at ${TEST_PG_URL} (set WARDEN_TEST_PG; Debian: apt-get install postgresql && pg_ctlcluster 15 main start)`,
  redis: `Redis at ${TEST_REDIS_URL} (set WARDEN_TEST_REDIS; Debian: apt-get install redis-server && redis-server --daemonize yes)`,
};

/** True when a PostgreSQL server answers a query at the URL within 3 s. */
export async function postgresAnswers(url = TEST_PG_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a Redis server answers PING at the URL within 2 s (raw RESP, so the check needs no client set-up). */
export async function redisAnswers(url = TEST_REDIS_URL): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = createConnection({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2_000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    // +PONG, or -NOAUTH when a password is needed: either way a Redis is there.
    sock.on('data', (d) => done(d.toString('latin1').startsWith('+PONG') || d.toString('latin1').startsWith('-NOAUTH')));
  });
}

export type ServiceGate = { readonly ok: boolean; readonly missing: readonly ServiceName[] };

export async function checkServices(names: readonly ServiceName[]): Promise<ServiceGate> {
  const missing: ServiceName[] = [];
  for (const n of names) if (!(await (n === 'postgres' ? postgresAnswers() : redisAnswers()))) missing.push(n);
  return { ok: missing.length === 0, missing };
}

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/**
 * `describe` that runs only when the services are there. When they are not: outside CI the suite is skipped with a
 * loud warning naming what to install or start; under CI=true a failing test takes its place, never a skip.
 */
export function describeWithServices(title: string, gate: ServiceGate, fn: () => void): void {
  if (gate.ok) {
    describe(title, fn);
    return;
  }
  const what = gate.missing.map((m) => HOW_TO[m]).join('; ');
  if (isCi()) {
    describe(title, () => {
      it(`needs ${gate.missing.join(' and ')} (CI=true: absence is a failure)`, () => {
        throw new Error(`${title}: not reachable: ${what}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${title}": not reachable: ${what}. Start it to run this suite (under CI=true this fails). ***\n`);
  describe.skip(title, fn);
}

export function randomSuffix(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** A fresh Redis key/channel prefix, so concurrent runs never hear each other. */
export function freshRedisPrefix(): string {
  return `warden-test-${randomSuffix()}:`;
}

export type TempDatabase = { readonly url: string; readonly name: string; drop(): Promise<void> };

/** Creates `warden_test_<random>` on the test server; `drop()` removes it (forcing out lingering connections). */
export async function createTempDatabase(adminUrl = TEST_PG_URL): Promise<TempDatabase> {
  const name = `warden_test_${randomSuffix()}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}
