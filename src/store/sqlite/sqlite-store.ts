/** @module The embedded Store on better-sqlite3: every change commits with its version bump and change record. */
import { GatewayError } from '../../core/errors.js';
import type { ApiKeyRecord, NodeRecord, Restriction } from '../../core/types.js';
import {
  keyFromRow, keyToParams, nodeFromRow, nodeToParams, restrictionFromRow, restrictionToParams,
  type KeyRow, type NodeRow, type RestrictionRow,
} from '../rows.js';
import type { Change, ChangeMeta, ControlState, Store } from '../types.js';
import { openSqlite, type SqliteDb } from './open.js';

export function createSqliteStore(dataDir: string): SqliteStore {
  const db = openSqlite(dataDir);
  // This connection lives on the request thread (heartbeats, changes). It never checkpoints the WAL it shares with
  // the audit log: a checkpoint fsyncs the database file (tens of milliseconds on a busy disk), which would stall
  // every request more often than needed. The audit log's connection checkpoints (every 4000 pages; on its writer
  // thread when it has one, see WARDEN_AUDIT_WRITER), and the last connection to close checkpoints what is left.
  db.pragma('wal_autocheckpoint = 0');
  return new SqliteStore(db);
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: SqliteDb;
  readonly #versionStmt;
  readonly #bump;

  constructor(db: SqliteDb) {
    this.db = db;
    this.#versionStmt = db.prepare('SELECT version FROM policy_version WHERE id = 1').pluck();
    const bumpStmt = db.prepare('UPDATE policy_version SET version = version + 1 WHERE id = 1 RETURNING version').pluck();
    const changeStmt = db.prepare('INSERT INTO changes (version, kind, actor, at, detail) VALUES (?, ?, ?, ?, ?)');
    this.#bump = (kind: string, detail: Record<string, unknown>, meta: ChangeMeta): number => {
      const version = bumpStmt.get() as number;
      changeStmt.run(version, kind, meta.actor, meta.at, JSON.stringify(detail));
      return version;
    };
  }

  async getVersion(): Promise<number> {
    return this.#versionStmt.get() as number;
  }

  async loadState(): Promise<ControlState> {
    // One read transaction, so keys and restrictions belong to the version read with them.
    return this.db.transaction((): ControlState => ({
      version: this.#versionStmt.get() as number,
      keys: (this.db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL').all() as KeyRow[]).map(keyFromRow),
      restrictions: (this.db.prepare('SELECT * FROM restrictions WHERE lifted_at IS NULL').all() as RestrictionRow[]).map(restrictionFromRow),
    }))();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  async putMetaIfAbsent(key: string, value: string): Promise<string> {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return (await this.getMeta(key)) as string;
  }

  async createKey(key: ApiKeyRecord, meta: ChangeMeta): Promise<{ version: number }> {
    return conflictOnDuplicate(() => this.db.transaction(() => {
      this.db.prepare('INSERT INTO api_keys (id, tenant, name, hash, prefix, models, rpm, created_at, revoked_at) VALUES (?,?,?,?,?,?,?,?,?)').run(...keyToParams(key));
      return { version: this.#bump('key.create', { id: key.id, tenant: key.tenant, models: key.models, rpm: key.rpm }, meta) };
    }).immediate());
  }

  async revokeKey(id: string, meta: ChangeMeta): Promise<{ version: number; key: ApiKeyRecord } | undefined> {
    return this.db.transaction(() => {
      const row = this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING *').get(meta.at, id) as KeyRow | undefined;
      if (!row) return undefined;
      const key = keyFromRow(row);
      return { version: this.#bump('key.revoke', { id, tenant: key.tenant }, meta), key };
    }).immediate();
  }

  async listKeys(): Promise<readonly ApiKeyRecord[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as KeyRow[]).map(keyFromRow);
  }

  async createRestriction(r: Restriction, meta: ChangeMeta): Promise<{ version: number }> {
    return conflictOnDuplicate(() => this.db.transaction(() => {
      this.db.prepare('INSERT INTO restrictions (id, model, scope, action, reason, incident, created_by, created_at, expires_at, terminate_in_flight, lifted_at, lifted_by, lift_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
        .run(...restrictionToParams(r, (b) => (b ? 1 : 0)));
      return { version: this.#bump('restriction.create', { ...r }, meta) };
    }).immediate());
  }

  async liftRestriction(id: string, reason: string, meta: ChangeMeta): Promise<{ version: number; restriction: Restriction } | undefined> {
    return this.db.transaction(() => {
      const row = this.db.prepare('UPDATE restrictions SET lifted_at = ?, lifted_by = ?, lift_reason = ? WHERE id = ? AND lifted_at IS NULL RETURNING *')
        .get(meta.at, meta.actor, reason, id) as RestrictionRow | undefined;
      if (!row) return undefined;
      const restriction = restrictionFromRow(row);
      return { version: this.#bump('restriction.lift', { id, model: restriction.model, reason }, meta), restriction };
    }).immediate();
  }

  async listRestrictions(opts: { includeLifted?: boolean } = {}): Promise<readonly Restriction[]> {
    const sql = opts.includeLifted ? 'SELECT * FROM restrictions ORDER BY created_at, id' : 'SELECT * FROM restrictions WHERE lifted_at IS NULL ORDER BY created_at, id';
    return (this.db.prepare(sql).all() as RestrictionRow[]).map(restrictionFromRow);
  }

  async recordChange(kind: string, detail: Record<string, unknown>, meta: ChangeMeta): Promise<{ version: number }> {
    return this.db.transaction(() => ({ version: this.#bump(kind, detail, meta) })).immediate();
  }

  async listChanges(sinceVersion: number, limit: number): Promise<readonly Change[]> {
    const rows = this.db.prepare('SELECT * FROM changes WHERE version > ? ORDER BY version LIMIT ?').all(sinceVersion, limit) as
      { version: number; kind: string; actor: string; at: number; detail: string }[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async upsertNode(n: NodeRecord): Promise<void> {
    this.db.prepare(`INSERT INTO nodes (id, region, pid, host, started_at, heartbeat_at, applied_version, applied_at, stopped_at) VALUES (?,?,?,?,?,?,?,?,?)
      ON CONFLICT (id) DO UPDATE SET region = excluded.region, pid = excluded.pid, host = excluded.host, started_at = excluded.started_at,
      heartbeat_at = excluded.heartbeat_at, applied_version = excluded.applied_version, applied_at = excluded.applied_at, stopped_at = excluded.stopped_at`)
      .run(...nodeToParams(n));
  }

  async heartbeat(id: string, at: number, appliedVersion: number): Promise<void> {
    this.db.prepare(`UPDATE nodes SET heartbeat_at = ?, applied_at = CASE WHEN applied_version = ? THEN applied_at ELSE ? END, applied_version = ? WHERE id = ?`)
      .run(at, appliedVersion, at, appliedVersion, id);
  }

  async markNodeStopped(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE nodes SET stopped_at = ? WHERE id = ?').run(at, id);
  }

  async listNodes(): Promise<readonly NodeRecord[]> {
    return (this.db.prepare('SELECT * FROM nodes ORDER BY id').all() as NodeRow[]).map(nodeFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** A duplicate id or hash is a lost compare-and-set, as the PostgreSQL store reports it. */
function conflictOnDuplicate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new GatewayError('GW_STORE_CONFLICT', 'An object with this id already exists.', { cause: err });
    }
    throw err;
  }
}
