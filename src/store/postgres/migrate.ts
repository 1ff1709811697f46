/** @module Brings a PostgreSQL schema up to date; safe when many nodes start at once (one advisory lock, one transaction). */
import type { Pool } from 'pg';
import { postgresMigrations, type PgMigration } from './migrations/index.js';

/** Arbitrary constant shared by every Warden node: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x5761_7264; // "Ward"

/**
 * Applies every migration not yet recorded, in order, in ONE transaction under a transaction-level advisory lock:
 * a second node starting at the same moment waits, then sees the migrations done and applies nothing.
 * Returns the ids applied by this call.
 */
export async function migratePostgres(pool: Pool, migrations: readonly PgMigration[] = postgresMigrations): Promise<number[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, Date.now()]);
      applied.push(m.id);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
