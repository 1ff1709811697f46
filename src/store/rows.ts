/** @module Row <-> record mapping shared by the SQL drivers, so SQLite and PostgreSQL read and write the same shapes. */
import type { ApiKeyRecord, NodeRecord, Restriction } from '../core/types.js';

export type KeyRow = {
  id: string; tenant: string; name: string | null; hash: string; prefix: string;
  models: string | null; rpm: number | null; created_at: number | string; revoked_at: number | string | null;
};

export function keyFromRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id, tenant: r.tenant, name: r.name, hash: r.hash, prefix: r.prefix,
    models: r.models === null ? null : (JSON.parse(r.models) as string[]),
    rpm: r.rpm, createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

export function keyToParams(k: ApiKeyRecord): unknown[] {
  return [k.id, k.tenant, k.name, k.hash, k.prefix, k.models === null ? null : JSON.stringify(k.models), k.rpm, k.createdAt, k.revokedAt];
}

export type RestrictionRow = {
  id: string; model: string; scope: string; action: string; reason: string; incident: string | null;
  created_by: string; created_at: number | string; expires_at: number | string | null; terminate_in_flight: number | boolean;
  lifted_at: number | string | null; lifted_by: string | null; lift_reason: string | null;
};

export function restrictionFromRow(r: RestrictionRow): Restriction {
  return {
    id: r.id, model: r.model, scope: JSON.parse(r.scope) as Restriction['scope'], action: JSON.parse(r.action) as Restriction['action'],
    reason: r.reason, incident: r.incident, createdBy: r.created_by, createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at), terminateInFlight: Boolean(r.terminate_in_flight),
    liftedAt: r.lifted_at === null ? null : Number(r.lifted_at), liftedBy: r.lifted_by, liftReason: r.lift_reason,
  };
}

export function restrictionToParams(r: Restriction, bool: (b: boolean) => unknown): unknown[] {
  return [r.id, r.model, JSON.stringify(r.scope), JSON.stringify(r.action), r.reason, r.incident, r.createdBy, r.createdAt,
    r.expiresAt, bool(r.terminateInFlight), r.liftedAt, r.liftedBy, r.liftReason];
}

export type NodeRow = {
  id: string; region: string; pid: number | null; host: string | null; started_at: number | string; heartbeat_at: number | string;
  applied_version: number | string; applied_at: number | string; stopped_at: number | string | null;
};

export function nodeFromRow(r: NodeRow): NodeRecord {
  return {
    id: r.id, region: r.region, pid: r.pid, host: r.host, startedAt: Number(r.started_at), heartbeatAt: Number(r.heartbeat_at),
    appliedVersion: Number(r.applied_version), appliedAt: Number(r.applied_at), stoppedAt: r.stopped_at === null ? null : Number(r.stopped_at),
  };
}

export function nodeToParams(n: NodeRecord): unknown[] {
  return [n.id, n.region, n.pid, n.host, n.startedAt, n.heartbeatAt, n.appliedVersion, n.appliedAt, n.stoppedAt];
}
