/** @module The audit and incident backend on PostgreSQL (cluster mode): one chain per node, written under a per-chain advisory lock. */
import pg from 'pg';
import type { AppendResult, AuditBackend, BackendThreadSpec, ChainHead, ChainTail, RetentionRecord } from '../../audit/backend.js';
import type { CheckpointRow } from '../../audit/checkpoint.js';
import type { EventRow } from '../../audit/event.js';
import type { IncidentBackend, IncidentPatch, IncidentRecord, NewTimelineEntry, TimelineEntry } from '../../audit/incident-types.js';
import type { PublicKeyRecord } from '../../audit/keys.js';
import {
  checkpointFromRow, checkpointToParams, eventFromRow, INCIDENT_COLUMNS, INCIDENT_PATCH_COLUMNS, incidentFromRow, incidentToParams,
  keyFromRow, retentionFromRow, timelineFromRow,
  type CheckpointDbRow, type EventDbRow, type IncidentDbRow, type KeyDbRow, type RetentionDbRow, type TimelineDbRow,
} from '../../audit/rows.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_keys (key_id TEXT PRIMARY KEY, chain TEXT NOT NULL, public_key TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_events (chain TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq));
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (chain, at);
CREATE TABLE IF NOT EXISTS audit_checkpoints (chain TEXT NOT NULL, size BIGINT NOT NULL, at BIGINT NOT NULL, key_id TEXT NOT NULL,
  statement TEXT NOT NULL, signature TEXT NOT NULL, frontier TEXT NOT NULL, PRIMARY KEY (chain, size));
CREATE TABLE IF NOT EXISTS audit_retention (chain TEXT NOT NULL, pruned_through BIGINT NOT NULL, cutoff BIGINT NOT NULL, at BIGINT NOT NULL,
  actor TEXT NOT NULL, event_seq BIGINT NOT NULL, deleted BIGINT NOT NULL, PRIMARY KEY (chain, pruned_through));
CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, title TEXT NOT NULL, severity TEXT NOT NULL, model TEXT, serious TEXT, status TEXT NOT NULL,
  detected_at BIGINT NOT NULL, opened_at BIGINT NOT NULL, opened_by TEXT NOT NULL, resolved_at BIGINT, resolved_by TEXT, deadline_at BIGINT);
CREATE TABLE IF NOT EXISTS incident_timeline (incident TEXT NOT NULL REFERENCES incidents (id), seq INTEGER NOT NULL, at BIGINT NOT NULL,
  actor TEXT NOT NULL, kind TEXT NOT NULL, note TEXT, detail TEXT, PRIMARY KEY (incident, seq));
`;

export type PostgresAuditOptions = {
  /** Local directory with this node's key files. */
  readonly dataDir: string;
  readonly poolSize?: number;
  /** Bound of one statement (default 30 s: a batch insert of thousands of rows must fit). */
  readonly queryTimeoutMs?: number;
  readonly onError?: (err: unknown) => void;
};

/** Opens a pool and creates the audit tables if needed (under an advisory lock, so nodes starting together do not race). */
export async function createPostgresAuditBackend(url: string, opts: PostgresAuditOptions): Promise<PostgresAuditBackend> {
  const timeout = opts.queryTimeoutMs ?? 30_000;
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 4, query_timeout: timeout, statement_timeout: timeout, application_name: 'warden-audit' });
  pool.on('error', (err) => opts.onError?.(err));
  try {
    const c = await pool.connect();
    try {
      await c.query("SELECT pg_advisory_lock(hashtext('warden.audit.schema'))");
      await c.query(SCHEMA);
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext('warden.audit.schema'))").catch(() => undefined);
      c.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const reopen = { dataDir: opts.dataDir, ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }), queryTimeoutMs: timeout };
  return new PostgresAuditBackend(pool, opts.dataDir, { module: import.meta.url, open: 'createPostgresAuditBackend', args: [url, reopen] });
}

export class PostgresAuditBackend implements AuditBackend, IncidentBackend {
  readonly kind = 'postgres' as const;
  readonly dataDir: string;
  readonly pool: pg.Pool;
  readonly #threadSpec: BackendThreadSpec | undefined;

  /** `threadSpec`: how a writer thread opens its own pool to the same database (see AuditBackend.threadSpec). */
  constructor(pool: pg.Pool, dataDir: string, threadSpec?: BackendThreadSpec) {
    this.pool = pool;
    this.dataDir = dataDir;
    this.#threadSpec = threadSpec;
  }

  threadSpec(): BackendThreadSpec | undefined {
    // Same pool settings for readers and the writer: PostgreSQL needs no read-only mode to keep them apart.
    return this.#threadSpec;
  }

  async registerKey(k: PublicKeyRecord): Promise<void> {
    await this.pool.query('INSERT INTO audit_keys (key_id, chain, public_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [k.keyId, k.chain, k.publicKey, k.createdAt]);
  }

  async listKeys(): Promise<readonly PublicKeyRecord[]> {
    return (await this.pool.query<KeyDbRow>('SELECT * FROM audit_keys ORDER BY chain, created_at')).rows.map(keyFromRow);
  }

  async listChains(): Promise<readonly string[]> {
    // Chains with events count even if their keys and checkpoints were deleted; the recursive query skips through the index.
    return (await this.pool.query<{ chain: string }>('WITH RECURSIVE c (chain) AS (SELECT min(chain) FROM audit_events UNION ALL SELECT (SELECT min(chain) FROM audit_events WHERE chain > c.chain) FROM c WHERE c.chain IS NOT NULL) SELECT chain FROM c WHERE chain IS NOT NULL UNION SELECT chain FROM audit_keys UNION SELECT chain FROM audit_checkpoints ORDER BY 1')).rows.map((r) => r.chain);
  }

  async loadChainTail(chain: string): Promise<ChainTail> {
    return this.#tx(async (c) => {
      const last = Number((await c.query<{ seq: string }>('SELECT seq FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1', [chain])).rows[0]?.seq ?? 0);
      const cpRow = (await c.query<CheckpointDbRow>('SELECT * FROM audit_checkpoints WHERE chain = $1 AND size <= $2 ORDER BY size DESC LIMIT 1', [chain, last])).rows[0];
      const checkpoint = cpRow ? checkpointFromRow(cpRow) : undefined;
      const events = (await c.query<EventDbRow>('SELECT * FROM audit_events WHERE chain = $1 AND seq > $2 ORDER BY seq', [chain, checkpoint?.size ?? 0])).rows.map(eventFromRow);
      return { checkpoint, events };
    });
  }

  async append(chain: string, expected: ChainHead, events: readonly EventRow[], cp: CheckpointRow | undefined): Promise<AppendResult> {
    return this.#tx(async (c) => {
      // One writer per chain at a time, across every node and process: the compare-and-set below cannot race.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`warden.audit.chain:${chain}`]);
      const head = (await c.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1', [chain])).rows[0];
      const seq = head ? Number(head.seq) : 0;
      if (seq !== expected.seq || (head && head.hash !== expected.hash)) {
        if (!(head === undefined && expected.seq > 0)) return 'moved';
      }
      if (events.length > 0) {
        await c.query(
          `INSERT INTO audit_events (chain, seq, at, hash, body)
           SELECT $1, s, a, h, b FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS t (s, a, h, b)`,
          [chain, events.map((e) => e.seq), events.map((e) => e.at), events.map((e) => e.hash), events.map((e) => e.body)],
        );
      }
      if (cp) await this.#insertCheckpoint(c, cp);
      return 'ok';
    });
  }

  async addCheckpoint(cp: CheckpointRow): Promise<void> {
    await this.#insertCheckpoint(this.pool, cp);
  }

  async readEvents(chain: string, fromSeq: number, toSeq: number, limit: number): Promise<readonly EventRow[]> {
    return (await this.pool.query<EventDbRow>('SELECT * FROM audit_events WHERE chain = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4', [chain, fromSeq, toSeq, limit])).rows.map(eventFromRow);
  }

  async getEvent(chain: string, seq: number): Promise<EventRow | undefined> {
    const r = (await this.pool.query<EventDbRow>('SELECT * FROM audit_events WHERE chain = $1 AND seq = $2', [chain, seq])).rows[0];
    return r ? eventFromRow(r) : undefined;
  }

  async seqBounds(chain: string): Promise<{ first: number; last: number } | undefined> {
    const r = (await this.pool.query<{ first: string | null; last: string | null }>('SELECT min(seq) AS first, max(seq) AS last FROM audit_events WHERE chain = $1', [chain])).rows[0];
    return !r || r.first === null || r.last === null ? undefined : { first: Number(r.first), last: Number(r.last) };
  }

  async seqRangeForTime(chain: string, fromMs: number, toMs: number): Promise<{ first: number; last: number } | undefined> {
    const r = (await this.pool.query<{ first: string | null; last: string | null }>(
      'SELECT min(seq) AS first, max(seq) AS last FROM audit_events WHERE chain = $1 AND at >= $2 AND at <= $3', [chain, fromMs, toMs])).rows[0];
    return !r || r.first === null || r.last === null ? undefined : { first: Number(r.first), last: Number(r.last) };
  }

  async listCheckpoints(chain: string): Promise<readonly CheckpointRow[]> {
    return (await this.pool.query<CheckpointDbRow>('SELECT * FROM audit_checkpoints WHERE chain = $1 ORDER BY size', [chain])).rows.map(checkpointFromRow);
  }

  async prune(rec: Omit<RetentionRecord, 'deleted'>): Promise<number> {
    return this.#tx(async (c) => {
      const deleted = (await c.query('DELETE FROM audit_events WHERE chain = $1 AND seq <= $2', [rec.chain, rec.prunedThrough])).rowCount ?? 0;
      await c.query(`INSERT INTO audit_retention (chain, pruned_through, cutoff, at, actor, event_seq, deleted) VALUES ($1,$2,$3,$4,$5,$6,$7)
        ON CONFLICT (chain, pruned_through) DO UPDATE SET deleted = audit_retention.deleted + excluded.deleted`,
      [rec.chain, rec.prunedThrough, rec.cutoff, rec.at, rec.actor, rec.eventSeq, deleted]);
      return deleted;
    });
  }

  async listRetention(chain?: string): Promise<readonly RetentionRecord[]> {
    const r = chain === undefined
      ? await this.pool.query<RetentionDbRow>('SELECT * FROM audit_retention ORDER BY chain, pruned_through')
      : await this.pool.query<RetentionDbRow>('SELECT * FROM audit_retention WHERE chain = $1 ORDER BY pruned_through', [chain]);
    return r.rows.map(retentionFromRow);
  }

  async createIncident(rec: IncidentRecord, first: NewTimelineEntry): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(`INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}) VALUES (${INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, incidentToParams(rec));
      await this.#addEntry(c, rec.id, first);
    });
  }

  async updateIncident(id: string, patch: IncidentPatch, entry: NewTimelineEntry): Promise<IncidentRecord | undefined> {
    return this.#tx(async (c) => {
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        const col = INCIDENT_PATCH_COLUMNS[k];
        if (col === undefined || v === undefined) continue;
        vals.push(v);
        sets.push(`${col} = $${vals.length}`);
      }
      vals.push(id);
      const row = sets.length > 0
        ? (await c.query<IncidentDbRow>(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $${vals.length} RETURNING *`, vals)).rows[0]
        : (await c.query<IncidentDbRow>('SELECT * FROM incidents WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!row) return undefined;
      await this.#addEntry(c, id, entry);
      return incidentFromRow(row);
    });
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const r = (await this.pool.query<IncidentDbRow>('SELECT * FROM incidents WHERE id = $1', [id])).rows[0];
    return r ? incidentFromRow(r) : undefined;
  }

  async listIncidents(opts: { status?: 'open' | 'resolved' } = {}): Promise<readonly IncidentRecord[]> {
    const r = opts.status === undefined
      ? await this.pool.query<IncidentDbRow>('SELECT * FROM incidents ORDER BY opened_at, id')
      : await this.pool.query<IncidentDbRow>('SELECT * FROM incidents WHERE status = $1 ORDER BY opened_at, id', [opts.status]);
    return r.rows.map(incidentFromRow);
  }

  async timeline(id: string): Promise<readonly TimelineEntry[]> {
    return (await this.pool.query<TimelineDbRow>('SELECT * FROM incident_timeline WHERE incident = $1 ORDER BY seq', [id])).rows.map(timelineFromRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async #insertCheckpoint(c: pg.Pool | pg.PoolClient, cp: CheckpointRow): Promise<void> {
    await c.query('INSERT INTO audit_checkpoints (chain, size, at, key_id, statement, signature, frontier) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING', checkpointToParams(cp));
  }

  async #addEntry(c: pg.PoolClient, id: string, e: NewTimelineEntry): Promise<void> {
    // The incident row is locked by the caller's UPDATE / FOR UPDATE / INSERT, so max(seq)+1 cannot race.
    await c.query(`INSERT INTO incident_timeline (incident, seq, at, actor, kind, note, detail)
      SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM incident_timeline WHERE incident = $1`,
    [id, e.at, e.actor, e.kind, e.note, e.detail === null ? null : JSON.stringify(e.detail)]);
  }

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
