/** @module Incident records and their timeline, and the IncidentBackend contract the SQL drivers implement. */

export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';
export const INCIDENT_SEVERITIES: readonly IncidentSeverity[] = ['low', 'medium', 'high', 'critical'];

/** Serious incident kinds of EU AI Act Art. 3(49) that set the Art. 73 reporting deadline. */
export type SeriousKind = 'death' | 'widespread' | 'critical-infrastructure' | 'other';
export const SERIOUS_KINDS: readonly SeriousKind[] = ['death', 'widespread', 'critical-infrastructure', 'other'];

export type IncidentRecord = {
  readonly id: string;
  readonly title: string;
  readonly severity: IncidentSeverity;
  readonly model: string | null;
  /** Null: not a serious incident, no reporting deadline. */
  readonly serious: SeriousKind | null;
  readonly status: 'open' | 'resolved';
  readonly detectedAt: number;
  readonly openedAt: number;
  readonly openedBy: string;
  readonly resolvedAt: number | null;
  readonly resolvedBy: string | null;
  /** Art. 73 report deadline (epoch ms), null when not serious. */
  readonly deadlineAt: number | null;
};

export type TimelineKind = 'opened' | 'note' | 'updated' | 'resolved' | 'reopened' | 'restriction';

export type TimelineEntry = {
  readonly incident: string;
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly kind: TimelineKind;
  readonly note: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
};

export type NewTimelineEntry = Omit<TimelineEntry, 'seq' | 'incident'>;

export type IncidentPatch = Partial<Pick<IncidentRecord, 'title' | 'severity' | 'model' | 'serious' | 'status' | 'detectedAt' | 'resolvedAt' | 'resolvedBy' | 'deadlineAt'>>;

export interface IncidentBackend {
  /** Inserts the incident and its first timeline entry in one transaction. */
  createIncident(rec: IncidentRecord, first: NewTimelineEntry): Promise<void>;
  /** Applies the patch and appends the entry in one transaction; undefined when the incident does not exist. */
  updateIncident(id: string, patch: IncidentPatch, entry: NewTimelineEntry): Promise<IncidentRecord | undefined>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  listIncidents(opts?: { readonly status?: 'open' | 'resolved' }): Promise<readonly IncidentRecord[]>;
  timeline(id: string): Promise<readonly TimelineEntry[]>;
}
