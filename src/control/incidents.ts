/** @module Incidents: open, annotate and resolve them with a timeline; Art. 73 reporting deadlines; every change audited. */
import { randomBytes } from 'node:crypto';
import type { ChangeEventInput } from '../audit/event.js';
import {
  INCIDENT_SEVERITIES, SERIOUS_KINDS,
  type IncidentBackend, type IncidentPatch, type IncidentRecord, type IncidentSeverity, type SeriousKind, type TimelineEntry,
} from '../audit/incident-types.js';
import { GatewayError } from '../core/errors.js';
import type { Restriction } from '../core/types.js';

const DAY_MS = 86_400_000;

/** EU AI Act Art. 73(2)-(4): days from awareness to report, by kind of serious incident. */
export const ART73_DAYS: Readonly<Record<SeriousKind, number>> = { death: 10, widespread: 2, 'critical-infrastructure': 2, other: 15 };

export function art73DeadlineAt(serious: SeriousKind | null, detectedAt: number): number | null {
  return serious === null ? null : detectedAt + ART73_DAYS[serious] * DAY_MS;
}

export type Deadline = {
  readonly reportBy: string;
  readonly reportByMs: number;
  readonly days: number;
  readonly basis: string;
  readonly overdue: boolean;
  readonly remainingMs: number;
};

export type IncidentView = IncidentRecord & {
  readonly deadline: Deadline | null;
  readonly timeline: readonly TimelineEntry[];
  readonly restrictions: readonly Restriction[];
};

export type IncidentServiceDeps = {
  readonly backend: IncidentBackend;
  readonly clock: () => number;
  /** Where incident changes are audited (durable before the call returns). */
  readonly audit?: { recordAndFlush(e: ChangeEventInput): Promise<unknown> };
  /** Restriction history, to show the restrictions linked to an incident. */
  readonly restrictions?: { listRestrictions(opts?: { includeLifted?: boolean }): Promise<readonly Restriction[]> };
  readonly randomId?: () => string;
};

export type OpenIncidentInput = {
  readonly title: string;
  readonly severity: string;
  readonly actor: string;
  readonly model?: string | null;
  readonly serious?: string | null;
  readonly detectedAt?: number;
  readonly note?: string;
};

export type UpdateIncidentInput = {
  readonly actor: string;
  readonly note?: string;
  readonly title?: string;
  readonly severity?: string;
  readonly model?: string | null;
  readonly serious?: string | null;
  readonly detectedAt?: number;
};

export class IncidentService {
  readonly #d: IncidentServiceDeps;

  constructor(deps: IncidentServiceDeps) {
    this.#d = deps;
  }

  async open(input: OpenIncidentInput): Promise<IncidentView> {
    const now = this.#d.clock();
    const serious = checkSerious(input.serious ?? null);
    const detectedAt = checkTime(input.detectedAt ?? now, 'detectedAt');
    const rec: IncidentRecord = {
      id: this.#d.randomId?.() ?? `inc_${randomBytes(6).toString('hex')}`,
      title: checkText(input.title, 'title', 200), severity: checkSeverity(input.severity), model: checkModel(input.model ?? null),
      serious, status: 'open', detectedAt, openedAt: now, openedBy: checkText(input.actor, 'actor', 200), resolvedAt: null, resolvedBy: null,
      deadlineAt: art73DeadlineAt(serious, detectedAt),
    };
    const note = input.note === undefined ? null : checkText(input.note, 'note', 4000);
    await this.#d.backend.createIncident(rec, { at: now, actor: rec.openedBy, kind: 'opened', note, detail: { severity: rec.severity, serious, model: rec.model, detectedAt } });
    await this.#audit('incident.open', rec, { title: rec.title, severity: rec.severity, serious, detectedAt, deadlineAt: rec.deadlineAt });
    return this.#view(rec);
  }

  async update(id: string, input: UpdateIncidentInput): Promise<IncidentView> {
    const now = this.#d.clock();
    const cur = await this.#get(id);
    const patch: { -readonly [K in keyof IncidentPatch]: IncidentPatch[K] } = {};
    if (input.title !== undefined) patch.title = checkText(input.title, 'title', 200);
    if (input.severity !== undefined) patch.severity = checkSeverity(input.severity);
    if (input.model !== undefined) patch.model = checkModel(input.model);
    if (input.serious !== undefined) patch.serious = checkSerious(input.serious);
    if (input.detectedAt !== undefined) patch.detectedAt = checkTime(input.detectedAt, 'detectedAt');
    if (patch.serious !== undefined || patch.detectedAt !== undefined) {
      patch.deadlineAt = art73DeadlineAt(patch.serious !== undefined ? patch.serious : cur.serious, patch.detectedAt ?? cur.detectedAt);
    }
    const note = input.note === undefined ? null : checkText(input.note, 'note', 4000);
    if (note === null && Object.keys(patch).length === 0) throw new GatewayError('GW_REQUEST_INVALID', 'nothing to update: give a note or a field');
    const actor = checkText(input.actor, 'actor', 200);
    const kind = Object.keys(patch).length === 0 ? 'note' : 'updated';
    const rec = await this.#d.backend.updateIncident(id, patch, { at: now, actor, kind, note, detail: Object.keys(patch).length === 0 ? null : { ...patch } });
    if (!rec) throw notFound(id);
    await this.#audit(`incident.${kind === 'note' ? 'note' : 'update'}`, rec, { ...patch, ...(note === null ? {} : { noteChars: note.length }) }, actor);
    return this.#view(rec);
  }

  async resolve(id: string, input: { readonly actor: string; readonly note?: string }): Promise<IncidentView> {
    const now = this.#d.clock();
    const cur = await this.#get(id);
    if (cur.status === 'resolved') throw new GatewayError('GW_STORE_CONFLICT', `incident ${id} is already resolved`);
    const actor = checkText(input.actor, 'actor', 200);
    const note = input.note === undefined ? null : checkText(input.note, 'note', 4000);
    const rec = await this.#d.backend.updateIncident(id, { status: 'resolved', resolvedAt: now, resolvedBy: actor }, { at: now, actor, kind: 'resolved', note, detail: null });
    if (!rec) throw notFound(id);
    await this.#audit('incident.resolve', rec, {}, actor);
    return this.#view(rec);
  }

  async get(id: string): Promise<IncidentView> {
    return this.#view(await this.#get(id));
  }

  async list(opts: { readonly status?: 'open' | 'resolved' } = {}): Promise<readonly IncidentView[]> {
    const recs = await this.#d.backend.listIncidents(opts);
    const restrictions = await this.#restrictions();
    return Promise.all(recs.map((r) => this.#view(r, restrictions)));
  }

  async #get(id: string): Promise<IncidentRecord> {
    const rec = await this.#d.backend.getIncident(id);
    if (!rec) throw notFound(id);
    return rec;
  }

  async #restrictions(): Promise<readonly Restriction[]> {
    return this.#d.restrictions ? this.#d.restrictions.listRestrictions({ includeLifted: true }) : [];
  }

  async #view(rec: IncidentRecord, restrictions?: readonly Restriction[]): Promise<IncidentView> {
    const all = restrictions ?? await this.#restrictions();
    return { ...rec, deadline: deadlineOf(rec, this.#d.clock()), timeline: await this.#d.backend.timeline(rec.id), restrictions: all.filter((r) => r.incident === rec.id) };
  }

  async #audit(action: string, rec: IncidentRecord, detail: Record<string, unknown>, actor = rec.openedBy): Promise<void> {
    await this.#d.audit?.recordAndFlush({ kind: 'change', action, actor, target: rec.id, model: rec.model, detail });
  }
}

export function deadlineOf(rec: IncidentRecord, now: number): Deadline | null {
  if (rec.serious === null || rec.deadlineAt === null) return null;
  const done = rec.status === 'resolved' ? (rec.resolvedAt ?? now) : now;
  return {
    reportBy: new Date(rec.deadlineAt).toISOString(), reportByMs: rec.deadlineAt, days: ART73_DAYS[rec.serious],
    basis: `EU AI Act Art. 73: ${ART73_DAYS[rec.serious]} days after detection (${rec.serious})`,
    overdue: rec.status === 'open' && now > rec.deadlineAt, remainingMs: rec.deadlineAt - done,
  };
}

function notFound(id: string): GatewayError {
  return new GatewayError('GW_ADMIN_NOT_FOUND', `no incident ${id}`);
}

function invalid(msg: string): GatewayError {
  return new GatewayError('GW_REQUEST_INVALID', msg);
}

function checkText(v: unknown, name: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) throw invalid(`${name}: expected 1-${max} characters`);
  return v.trim();
}

function checkSeverity(v: unknown): IncidentSeverity {
  if (!INCIDENT_SEVERITIES.includes(v as IncidentSeverity)) throw invalid(`severity: expected one of ${INCIDENT_SEVERITIES.join(', ')}`);
  return v as IncidentSeverity;
}

function checkSerious(v: unknown): SeriousKind | null {
  if (v === null || v === 'none') return null;
  if (!SERIOUS_KINDS.includes(v as SeriousKind)) throw invalid(`serious: expected one of ${SERIOUS_KINDS.join(', ')}`);
  return v as SeriousKind;
}

function checkModel(v: unknown): string | null {
  if (v === null) return null;
  return checkText(v, 'model', 256);
}

function checkTime(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(`${name}: expected a time`);
  return v;
}
