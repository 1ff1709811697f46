/** @module PostgreSQL start-up: many nodes migrating one fresh database at once, and waiting (bounded) for a server that is not there yet. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkServices, createTempDatabase, describeWithServices, type TempDatabase } from '../../../test/support/services.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import { postgresMigrations } from './migrations/index.js';
import { createPostgresStore } from './postgres-store.js';

const gate = await checkServices(['postgres']);

describeWithServices('PostgreSQL start-up', gate, () => {
  let db: TempDatabase;
  beforeAll(async () => {
    db = await createTempDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies each migration exactly once when eight nodes start on a fresh database at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 8 }, () => createPostgresStore(db.url)));
    try {
      const rows = (await stores[0]!.pool.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => r.id);
      expect(rows).toEqual(postgresMigrations.map((m) => m.id));
      expect(await Promise.all(stores.map((s) => s.getVersion()))).toEqual(Array(8).fill(1));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('waits for a server that comes up during start-up, and gives up after the bound when it never does', async () => {
    const u = new URL(db.url);
    const proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    await proxy.cut();
    const via = new URL(db.url);
    via.host = `127.0.0.1:${proxy.port}`;
    try {
      const opening = createPostgresStore(via.toString(), { connectTimeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 600));
      await proxy.restore();
      const store = await opening;
      expect(await store.getVersion()).toBe(1);
      await store.close();
      await proxy.cut();
      const t0 = Date.now();
      await expect(createPostgresStore(via.toString(), { connectTimeoutMs: 800 })).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await proxy.close();
    }
  });
});
