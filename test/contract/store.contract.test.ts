/** @module Runs the Store contract over every backend: SQLite (temp directory) and PostgreSQL (a fresh database per run). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { checkServices, createTempDatabase, describeWithServices, type TempDatabase } from '../support/services.js';
import { describeStore } from './store.contract.js';

describeStore('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-store-'));
  return {
    store: createSqliteStore(dir),
    reopen: async () => createSqliteStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const gate = await checkServices(['postgres']);
describeWithServices('PostgreSQL store', gate, () => {
  // One database per run; each test gets a clean schema in it by dropping and re-migrating.
  let db: TempDatabase;
  beforeAll(async () => {
    db = await createTempDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  describeStore('postgres', async () => {
    const store = await createPostgresStore(db.url);
    await store.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await store.close();
    return {
      store: await createPostgresStore(db.url),
      reopen: () => createPostgresStore(db.url),
      cleanup: async () => undefined,
    };
  });
});
