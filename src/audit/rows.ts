/** @module Row <-> record mapping shared by the SQL audit drivers, so SQLite and PostgreSQL read and write the same shapes. */
import type { RetentionRecord } from './backend.js';
import type { CheckpointRow } from './checkpoint.js';
import type { EventRow } from './event.js';
import type { IncidentRecord, TimelineEntry } from './incident-types.js';
import type { PublicKeyRecord } from './keys.js';

type Int = number | string;

export type EventDbRow = { chain: string; seq: Int; at: Int; hash: string; body: string };
export function eventFromRow(r: EventDbRow): EventRow {
  return { chain: r.chain, seq: Number(r.seq), at: Number(r.at), hash: r.hash, body: r.body };
}

export type CheckpointDbRow = { chain: string; size: Int; at: Int; key_id: string; statement: string; signature: string; frontier: string };
export function checkpointFromRow(r: CheckpointDbRow): CheckpointRow {
  return {
    chain: r.chain, size: Number(r.size), at: Number(r.at), keyId: r.key_id, statement: r.statement, signature: r.signature,
    frontier: JSON.parse(r.frontier) as string[],
  };
}
export function checkpointToParams(c: CheckpointRow): unknown[] {
  return [c.chain, c.size, c.at, c.keyId, c.statement, c.signature, JSON.stringify(c.frontier)];
}

export type KeyDbRow = { key_id: string; chain: string; public_key: string; created_at: Int };
export function keyFromRow(r: KeyDbRow): PublicKeyRecord {
  return { keyId: r.key_id, chain: r.chain, publicKey: r.public_key, createdAt: Number(r.created_at) };
}

export type RetentionDbRow = { chain: string; pruned_through: Int; cutoff: Int; at: Int; actor: string; event_seq: Int; deleted: Int };
export function retentionFromRow(r: RetentionDbRow): RetentionRecord {
  return {
    chain: r.chain, prunedThrough: Number(r.pruned_through), cutoff: Number(r.cutoff), at: Number(r.at), actor: r.actor,
    eventSeq: Number(r.event_seq), deleted: Number(r.deleted),
  };
}

export type IncidentDbRow = {
  id: string; title: string; severity: string; model: string | null; serious: string | null; status: string;
  detected_at: Int; opened_at: Int; opened_by: string; resolved_at: Int | null; resolved_by: string | null; deadline_at: Int | null;
};
export const INCIDENT_COLUMNS = ['id', 'title', 'severity', 'model', 'serious', 'status', 'detected_at', 'opened_at', 'opened_by', 'resolved_at', 'resolved_by', 'deadline_at'] as const;
export function incidentFromRow(r: IncidentDbRow): IncidentRecord {
  return {
    id: r.id, title: r.title, severity: r.severity as IncidentRecord['severity'], model: r.model,
    serious: r.serious as IncidentRecord['serious'], status: r.status as IncidentRecord['status'],
    detectedAt: Number(r.detected_at), openedAt: Number(r.opened_at), openedBy: r.opened_by,
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at), resolvedBy: r.resolved_by,
    deadlineAt: r.deadline_at === null ? null : Number(r.deadline_at),
  };
}
export function incidentToParams(i: IncidentRecord): unknown[] {
  return [i.id, i.title, i.severity, i.model, i.serious, i.status, i.detectedAt, i.openedAt, i.openedBy, i.resolvedAt, i.resolvedBy, i.deadlineAt];
}
/** Column name of each patchable field. */
export const INCIDENT_PATCH_COLUMNS: Readonly<Record<string, string>> = {
  title: 'title', severity: 'severity', model: 'model', serious: 'serious', status: 'status', detectedAt: 'detected_at',
  resolvedAt: 'resolved_at', resolvedBy: 'resolved_by', deadlineAt: 'deadline_at',
};

export type TimelineDbRow = { incident: string; seq: Int; at: Int; actor: string; kind: string; note: string | null; detail: string | null };
export function timelineFromRow(r: TimelineDbRow): TimelineEntry {
  return {
    incident: r.incident, seq: Number(r.seq), at: Number(r.at), actor: r.actor, kind: r.kind as TimelineEntry['kind'], note: r.note,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
  };
}
