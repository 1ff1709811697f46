import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresAuditBackend } from '../../src/store/postgres/audit-postgres.js';
import { describeAuditBackend } from './backend.contract.js';

const BASE = process.env.WARDEN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function serverUp(): Promise<boolean> {
  const c = new pg.Client({ connectionString: BASE, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const up = await serverUp();
if (!up) {
  const msg = `PostgreSQL is not reachable at ${BASE}: the PostgreSQL audit backend tests are SKIPPED. Install and start it (e.g. apt-get install postgresql) or set WARDEN_TEST_PG.`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(`\n*** ${msg}\n`);
}

describeAuditBackend('postgres', async (dataDir) => {
  const name = `warden_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const backend = await createPostgresAuditBackend(url.toString(), { dataDir });
  const opened = [backend];
  return {
    backend,
    second: async () => {
      const b = await createPostgresAuditBackend(url.toString(), { dataDir });
      opened.push(b);
      return b;
    },
    tamper: async (chain, seq) => {
      await backend.pool.query(`UPDATE audit_events SET body = replace(body, '"status":', '"status":9') WHERE chain = $1 AND seq = $2`, [chain, seq]);
    },
    close: async () => {
      for (const b of opened) await b.close().catch(() => undefined);
      const a = new pg.Client({ connectionString: BASE });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}, !up);
