/** @module The cluster Store on PostgreSQL (pg Pool): every change commits with its version bump and change record. */
import pg from 'pg';
import { GatewayError } from '../../core/errors.js';
import type { ApiKeyRecord, NodeRecord, Restriction } from '../../core/types.js';
import {
  keyFromRow, keyToParams, nodeFromRow, nodeToParams, restrictionFromRow, restrictionToParams,
  type KeyRow, type NodeRow, type RestrictionRow,
} from '../rows.js';
import type { Change, ChangeMeta, ControlState, Store } from '../types.js';
import { migratePostgres } from './migrate.js';

export type PostgresStoreOptions = {
  /** How long start-up keeps retrying to reach the server and migrate before giving up (default 30 s). */
  readonly connectTimeoutMs?: number;
  /** Client-side bound of one query; a node must not hang on a server that stopped answering (default 5 s). */
  readonly queryTimeoutMs?: number;
  readonly poolSize?: number;
  /** Told about each failed start-up attempt and about errors of idle connections. */
  readonly onError?: (err: unknown, what: string) => void;
};

const RESTRICTION_COLUMNS = 'id, model, scope, action, reason, incident, created_by, created_at, expires_at, terminate_in_flight, lifted_at, lifted_by, lift_reason';
const KEY_COLUMNS = 'id, tenant, name, hash, prefix, models, rpm, created_at, revoked_at';

/** Opens a pool, waits (bounded) until the server answers, and brings the schema up to date. */
export async function createPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const queryTimeout = opts.queryTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: Math.min(queryTimeout, 3_000),
    query_timeout: queryTimeout,
    statement_timeout: queryTimeout,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'warden',
  });
  // Without a listener an idle connection dropped by the server (restart, network) would crash the process.
  pool.on('error', (err) => opts.onError?.(err, 'idle-connection'));
  const deadline = Date.now() + (opts.connectTimeoutMs ?? 30_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await migratePostgres(pool);
      return new PostgresStore(pool);
    } catch (err) {
      if (Date.now() >= deadline || !isConnectionError(err)) {
        await pool.end().catch(() => undefined);
        throw err;
      }
      opts.onError?.(err, `connect attempt ${attempt}`);
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1_000)));
    }
  }
}

/** Errors that mean "the server is not there (yet)", worth retrying at start-up; anything else is a real failure. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '53300'].includes(code)) return true;
  return err instanceof Error && /timeout|terminated|Connection terminated/i.test(err.message);
}

function toNumber(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** The pool, for sibling modules in this folder (the audit log) that share the connection. */
  readonly pool: pg.Pool;
  #closed = false;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Runs one statement; a unique-key clash becomes GW_STORE_CONFLICT. */
  async #write<R extends object>(sql: string, params: unknown[]): Promise<R | undefined> {
    try {
      return (await this.pool.query<R>(sql, params)).rows[0];
    } catch (err) {
      throw mapError(err);
    }
  }

  async getVersion(): Promise<number> {
    const r = await this.pool.query<{ version: string }>('SELECT version FROM policy_version WHERE id = 1');
    return toNumber(r.rows[0]?.version ?? NaN);
  }

  async loadState(): Promise<ControlState> {
    // ONE statement, so one snapshot: keys and restrictions belong to the version read with them, in one round trip
    // (this runs on every node for every change, on the propagation path).
    const r = await this.pool.query<{ version: string; keys: KeyRow[]; restrictions: RestrictionRow[] }>(`SELECT
      (SELECT version FROM policy_version WHERE id = 1) AS version,
      (SELECT coalesce(json_agg(k), '[]'::json) FROM (SELECT ${KEY_COLUMNS} FROM api_keys WHERE revoked_at IS NULL) k) AS keys,
      (SELECT coalesce(json_agg(x), '[]'::json) FROM (SELECT ${RESTRICTION_COLUMNS} FROM restrictions WHERE lifted_at IS NULL) x) AS restrictions`);
    const row = r.rows[0];
    if (!row) throw new Error('policy_version row missing');
    return { version: toNumber(row.version), keys: row.keys.map(keyFromRow), restrictions: row.restrictions.map(restrictionFromRow) };
  }

  async getMeta(key: string): Promise<string | undefined> {
    const r = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return r.rows[0]?.value;
  }

  async putMetaIfAbsent(key: string, value: string): Promise<string> {
    // One statement: the insert or, on conflict, the existing value; no window between writing and reading back.
    const r = await this.pool.query<{ value: string }>(
      `WITH ins AS (INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
       SELECT value FROM ins UNION ALL SELECT value FROM meta WHERE key = $1 LIMIT 1`, [key, value]);
    const stored = r.rows[0]?.value;
    // A concurrent insert committed after our statement's snapshot: read it now that it is visible.
    return stored ?? ((await this.getMeta(key)) as string);
  }

  async createKey(key: ApiKeyRecord, meta: ChangeMeta): Promise<{ version: number }> {
    const r = await this.#write<{ version: string }>(`WITH
      ins AS (INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id),
      ${bump('EXISTS (SELECT 1 FROM ins)')},
      ch AS (INSERT INTO changes (version, kind, actor, at, detail) SELECT version, 'key.create', $10, $11, $12 FROM v)
      SELECT version FROM v`,
    [...keyToParams(key), meta.actor, meta.at, JSON.stringify({ id: key.id, tenant: key.tenant, models: key.models, rpm: key.rpm })]);
    return { version: toNumber(required(r).version) };
  }

  async revokeKey(id: string, meta: ChangeMeta): Promise<{ version: number; key: ApiKeyRecord } | undefined> {
    // Compare-and-set: of two concurrent revokes, the second re-checks `revoked_at IS NULL` after the first commits,
    // finds nothing, and then bumps nothing.
    const r = await this.#write<KeyRow & { version: string }>(`WITH
      upd AS (UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING ${KEY_COLUMNS}),
      ${bump('EXISTS (SELECT 1 FROM upd)')},
      ch AS (INSERT INTO changes (version, kind, actor, at, detail)
             SELECT v.version, 'key.revoke', $3, $1, json_build_object('id', upd.id, 'tenant', upd.tenant)::text FROM v, upd)
      SELECT upd.*, v.version FROM upd, v`, [meta.at, id, meta.actor]);
    if (!r) return undefined;
    return { version: toNumber(r.version), key: keyFromRow(r) };
  }

  async listKeys(): Promise<readonly ApiKeyRecord[]> {
    return (await this.pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`)).rows.map(keyFromRow);
  }

  async createRestriction(r: Restriction, meta: ChangeMeta): Promise<{ version: number }> {
    const row = await this.#write<{ version: string }>(`WITH
      ins AS (INSERT INTO restrictions (${RESTRICTION_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id),
      ${bump('EXISTS (SELECT 1 FROM ins)')},
      ch AS (INSERT INTO changes (version, kind, actor, at, detail) SELECT version, 'restriction.create', $14, $15, $16 FROM v)
      SELECT version FROM v`,
    [...restrictionToParams(r, (b) => b), meta.actor, meta.at, JSON.stringify({ ...r })]);
    return { version: toNumber(required(row).version) };
  }

  async liftRestriction(id: string, reason: string, meta: ChangeMeta): Promise<{ version: number; restriction: Restriction } | undefined> {
    const r = await this.#write<RestrictionRow & { version: string }>(`WITH
      upd AS (UPDATE restrictions SET lifted_at = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL RETURNING ${RESTRICTION_COLUMNS}),
      ${bump('EXISTS (SELECT 1 FROM upd)')},
      ch AS (INSERT INTO changes (version, kind, actor, at, detail)
             SELECT v.version, 'restriction.lift', $2, $1, json_build_object('id', upd.id, 'model', upd.model, 'reason', $3::text)::text FROM v, upd)
      SELECT upd.*, v.version FROM upd, v`, [meta.at, meta.actor, reason, id]);
    if (!r) return undefined;
    return { version: toNumber(r.version), restriction: restrictionFromRow(r) };
  }

  async listRestrictions(opts: { includeLifted?: boolean } = {}): Promise<readonly Restriction[]> {
    const where = opts.includeLifted ? '' : 'WHERE lifted_at IS NULL';
    return (await this.pool.query<RestrictionRow>(`SELECT ${RESTRICTION_COLUMNS} FROM restrictions ${where} ORDER BY created_at, id`)).rows.map(restrictionFromRow);
  }

  async recordChange(kind: string, detail: Record<string, unknown>, meta: ChangeMeta): Promise<{ version: number }> {
    const r = await this.#write<{ version: string }>(`WITH ${bump('TRUE')},
      ch AS (INSERT INTO changes (version, kind, actor, at, detail) SELECT version, $1, $2, $3, $4 FROM v)
      SELECT version FROM v`, [kind, meta.actor, meta.at, JSON.stringify(detail)]);
    return { version: toNumber(required(r).version) };
  }

  async listChanges(sinceVersion: number, limit: number): Promise<readonly Change[]> {
    const r = await this.pool.query<{ version: string; kind: string; actor: string; at: string; detail: string }>(
      'SELECT version, kind, actor, at, detail FROM changes WHERE version > $1 ORDER BY version LIMIT $2', [sinceVersion, limit]);
    return r.rows.map((x) => ({
      version: toNumber(x.version), kind: x.kind, actor: x.actor, at: toNumber(x.at), detail: JSON.parse(x.detail) as Record<string, unknown>,
    }));
  }

  async upsertNode(n: NodeRecord): Promise<void> {
    await this.pool.query(`INSERT INTO nodes (id, region, pid, host, started_at, heartbeat_at, applied_version, applied_at, stopped_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
      ON CONFLICT (id) DO UPDATE SET region = excluded.region, pid = excluded.pid, host = excluded.host, started_at = excluded.started_at,
      heartbeat_at = excluded.heartbeat_at, applied_version = excluded.applied_version, applied_at = excluded.applied_at, stopped_at = excluded.stopped_at`,
    nodeToParams(n));
  }

  async heartbeat(id: string, at: number, appliedVersion: number): Promise<void> {
    await this.pool.query(
      'UPDATE nodes SET heartbeat_at = $1, applied_at = CASE WHEN applied_version = $2 THEN applied_at ELSE $1 END, applied_version = $2 WHERE id = $3',
      [at, appliedVersion, id]);
  }

  async markNodeStopped(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE nodes SET stopped_at = $1 WHERE id = $2', [at, id]);
  }

  async listNodes(): Promise<readonly NodeRecord[]> {
    return (await this.pool.query<NodeRow>('SELECT id, region, pid, host, started_at, heartbeat_at, applied_version, applied_at, stopped_at FROM nodes ORDER BY id')).rows.map(nodeFromRow);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}

/**
 * The version bump as a data-modifying CTE `v`. Each write is ONE statement (so one round trip and one implicit
 * transaction): the change, this bump and the change record commit together or not at all. The row lock this UPDATE
 * takes on policy_version is held to commit, so concurrent writers serialise and versions commit in order; `guard`
 * skips the bump when the change itself touched nothing (a lost compare-and-set).
 */
function bump(guard: string): string {
  return `v AS (UPDATE policy_version SET version = version + 1 WHERE id = 1 AND ${guard} RETURNING version)`;
}

function required<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('policy_version row missing');
  return row;
}

/** A unique-key clash is a lost compare-and-set (same id or key hash written twice), not an internal error. */
function mapError(err: unknown): unknown {
  if ((err as { code?: unknown }).code === '23505') {
    return new GatewayError('GW_STORE_CONFLICT', 'A record with the same id or key already exists.', { cause: err });
  }
  return err;
}
