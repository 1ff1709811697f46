/** @module The monitoring summary of an evidence pack: requests, blocks by scanner, restrictions per model, per day. */
import type { Restriction } from '../../core/types.js';
import type { PackIncident } from './pack-types.js';

export type DayRow = {
  day: string; requests: number; allowed: number; blocked: number; redacted: number; flagged: number; refused: number;
  restricted: number; fallback: number; upstreamErrors: number; inputTokens: number; outputTokens: number; changes: number;
};

export type MonitoringSummary = {
  readonly range: { readonly from: string | null; readonly to: string | null };
  readonly totals: Omit<DayRow, 'day'> & { events: number };
  readonly byDay: readonly DayRow[];
  readonly blocksByScanner: Readonly<Record<string, number>>;
  readonly findingsByScanner: Readonly<Record<string, number>>;
  readonly blocksByScannerByDay: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly refusalsByCode: Readonly<Record<string, number>>;
  readonly restrictionsByModel: Readonly<Record<string, { enforced: number; created: number; lifted: number }>>;
  readonly requestsByModel: Readonly<Record<string, number>>;
  readonly changesByAction: Readonly<Record<string, number>>;
  readonly incidents: { readonly total: number; readonly open: number; readonly serious: number; readonly overdue: number };
};

type Payload = {
  kind?: string; at?: number; outcome?: string; model?: string; code?: string; action?: string;
  findings?: { scanner?: string; count?: number; action?: string }[];
  usage?: { inputTokens?: number; outputTokens?: number };
};

/** Accumulates the summary one event payload at a time (events arrive as they are exported). */
export class SummaryBuilder {
  readonly #days = new Map<string, DayRow>();
  readonly #blocks: Record<string, number> = {};
  readonly #findings: Record<string, number> = {};
  readonly #blocksByDay: Record<string, Record<string, number>> = {};
  readonly #codes: Record<string, number> = {};
  readonly #restrictions: Record<string, { enforced: number; created: number; lifted: number }> = {};
  readonly #models: Record<string, number> = {};
  readonly #changes: Record<string, number> = {};
  #events = 0;

  add(p: Payload): void {
    this.#events++;
    if (typeof p.at !== 'number') return;
    const day = new Date(p.at).toISOString().slice(0, 10);
    const row = this.#day(day);
    if (p.kind === 'change') {
      row.changes++;
      if (p.action) inc(this.#changes, p.action);
      return;
    }
    if (p.kind !== 'request') return;
    row.requests++;
    if (p.model) inc(this.#models, p.model);
    row.inputTokens += num(p.usage?.inputTokens);
    row.outputTokens += num(p.usage?.outputTokens);
    switch (p.outcome) {
      case 'allowed': row.allowed++; break;
      case 'blocked': row.blocked++; break;
      case 'redacted': row.redacted++; break;
      case 'flagged': row.flagged++; break;
      case 'refused': row.refused++; break;
      case 'restricted': row.restricted++; break;
      case 'fallback': row.fallback++; break;
      case 'upstream_error': row.upstreamErrors++; break;
      default: break;
    }
    if ((p.outcome === 'refused' || p.outcome === 'restricted' || p.outcome === 'upstream_error' || p.outcome === 'blocked') && p.code) inc(this.#codes, p.code);
    if ((p.outcome === 'restricted' || p.outcome === 'fallback') && p.model) this.#restriction(p.model).enforced++;
    let blockedBy = false;
    for (const f of p.findings ?? []) {
      const scanner = typeof f.scanner === 'string' ? f.scanner : '?';
      inc(this.#findings, scanner, num(f.count) || 1);
      if (f.action === 'block') {
        blockedBy = true;
        inc(this.#blocks, scanner);
        inc((this.#blocksByDay[day] ??= {}), scanner);
      }
    }
    if (p.outcome === 'blocked' && !blockedBy) {
      inc(this.#blocks, '(unattributed)');
      inc((this.#blocksByDay[day] ??= {}), '(unattributed)');
    }
  }

  build(range: { fromMs?: number | undefined; toMs?: number | undefined }, restrictions: readonly Restriction[], incidents: readonly PackIncident[], now: number): MonitoringSummary {
    const inRange = (t: number): boolean => (range.fromMs === undefined || t >= range.fromMs) && (range.toMs === undefined || t <= range.toMs);
    for (const r of restrictions) {
      if (inRange(r.createdAt)) this.#restriction(r.model).created++;
      if (r.liftedAt !== null && inRange(r.liftedAt)) this.#restriction(r.model).lifted++;
    }
    const byDay = [...this.#days.values()].sort((a, b) => a.day.localeCompare(b.day));
    const { day: _unused, ...zero } = emptyDay('');
    const totals: Omit<DayRow, 'day'> & { events: number } = { events: this.#events, ...zero };
    const keys = Object.keys(zero) as (keyof typeof zero)[];
    for (const d of byDay) for (const k of keys) totals[k] += d[k];
    return {
      range: { from: range.fromMs === undefined ? null : new Date(range.fromMs).toISOString(), to: range.toMs === undefined ? null : new Date(range.toMs).toISOString() },
      totals, byDay, blocksByScanner: this.#blocks, findingsByScanner: this.#findings, blocksByScannerByDay: this.#blocksByDay,
      refusalsByCode: this.#codes, restrictionsByModel: this.#restrictions, requestsByModel: this.#models, changesByAction: this.#changes,
      incidents: {
        total: incidents.length, open: incidents.filter((i) => i.status === 'open').length,
        serious: incidents.filter((i) => i.serious !== null).length,
        overdue: incidents.filter((i) => i.status === 'open' && i.deadlineAt !== null && i.deadlineAt < now).length,
      },
    };
  }

  #day(day: string): DayRow {
    let row = this.#days.get(day);
    if (!row) {
      row = emptyDay(day);
      this.#days.set(day, row);
    }
    return row;
  }

  #restriction(model: string): { enforced: number; created: number; lifted: number } {
    return (this.#restrictions[model] ??= { enforced: 0, created: 0, lifted: 0 });
  }
}

function emptyDay(day: string): DayRow {
  return { day, requests: 0, allowed: 0, blocked: 0, redacted: 0, flagged: 0, refused: 0, restricted: 0, fallback: 0, upstreamErrors: 0, inputTokens: 0, outputTokens: 0, changes: 0 };
}

function inc(o: Record<string, number>, k: string, by = 1): void {
  o[k] = (o[k] ?? 0) + by;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
