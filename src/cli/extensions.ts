/** @module Wires the audit log (and its admin routes) into createApp's deps for one node. */
import type { AppDeps } from '../app.js';
import { GatewayError } from '../core/errors.js';
import { createAuditLog, type AuditLog } from '../audit/audit-log.js';
import type { AuditBackend } from '../audit/backend.js';
import type { RequestEventInput, RequestOutcome } from '../audit/event.js';
import type { Config } from '../config/load-config.js';
import type { IncidentBackend } from '../audit/incident-types.js';
import { auditControlChanges } from '../control/control-audit.js';
import { IncidentService } from '../control/incidents.js';
import { registerAuditRoutes } from '../gateway/admin/audit-routes.js';
import type { RequestRecord } from '../gateway/runtime.js';
import { createSqliteAuditBackend } from '../store/sqlite/audit-sqlite.js';
import type { Store } from '../store/types.js';

export type Extensions = { readonly deps: Partial<AppDeps>; readonly audit: AuditLog; close(): Promise<void> };

function outcomeOf(rec: RequestRecord): RequestOutcome {
  if (rec.outcome === 'ok') {
    if (rec.fallbackFrom !== undefined) return 'fallback';
    if (rec.guard.some((g) => g.action === 'redact')) return 'redacted';
    if (rec.guard.some((g) => g.action === 'flag')) return 'flagged';
    return 'allowed';
  }
  if (rec.outcome === 'model_restricted') return 'restricted';
  if (rec.outcome === 'guardrail_blocked') return 'blocked';
  if (rec.outcome === 'upstream_error' || rec.outcome === 'upstream_timeout') return 'upstream_error';
  return 'refused';
}

/**
 * The audit event of one finished request: decision, who, which model, cost; the prompt only as a keyed hash.
 * Built once per request on its thread: one object of fixed shape, the optional fields set after it, instead of
 * spreads of temporary objects. `usage` is the record's own (nothing changes a record once handed over).
 */
export function requestEvent(rec: RequestRecord, region: string, capture: boolean): RequestEventInput {
  const e: { -readonly [K in keyof RequestEventInput]: RequestEventInput[K] } = {
    kind: 'request', outcome: outcomeOf(rec), at: rec.at, requestId: rec.requestId,
    tenant: rec.key?.tenant ?? null, keyId: rec.key?.id ?? null, model: rec.requestedModel ?? null,
    servedModel: rec.servedModel !== rec.requestedModel ? rec.servedModel ?? null : null,
    provider: rec.provider ?? null, api: rec.route === 'messages' ? 'anthropic' : 'openai', stream: rec.stream, region,
    code: rec.outcome === 'ok' ? null : rec.outcome, status: rec.status, latencyMs: Math.round(rec.latencyMs * 1000) / 1000,
    restrictionId: rec.restrictionId ?? null,
    capture,
  };
  if (rec.usage) e.usage = rec.usage;
  if (rec.guard.length > 0) {
    e.findings = rec.guard.map((g) => ({ scanner: g.type, count: g.count, action: (g.action === 'allow' ? 'pass' : g.action) as 'block' | 'redact' | 'flag' | 'pass' }));
  }
  if (rec.prompt !== undefined) e.prompt = rec.prompt;
  return e;
}

export async function openAuditBackend(config: Config): Promise<AuditBackend & IncidentBackend & { close(): Promise<void> | void }> {
  if (config.store.kind === 'sqlite') return createSqliteAuditBackend(config.store.dataDir);
  const { createPostgresAuditBackend } = await import('../store/postgres/audit-postgres.js');
  return createPostgresAuditBackend(config.store.url.reveal(), { dataDir: config.dataDir });
}

/**
 * Where the audit chain is linked, hashed and committed: `WARDEN_AUDIT_WRITER=thread|inline`. Default: on the
 * request thread for SQLite (measured: a second thread's isolate and heap put the process over 150 MB after 100k
 * requests, while inline appends still exceed 80,000 events/s), on a writer thread for PostgreSQL (there inline
 * would cost the request thread ~20 µs of CPU per event for the driver's work).
 */
export function auditWriter(config: Config, env: NodeJS.ProcessEnv): 'worker' | 'inline' {
  const v = env.WARDEN_AUDIT_WRITER;
  if (v === 'thread') return 'worker';
  if (v === 'inline') return 'inline';
  if (v !== undefined && v !== '') throw new GatewayError('GW_CONFIG_INVALID', `WARDEN_AUDIT_WRITER: expected "thread" or "inline", got "${v.slice(0, 32)}"`);
  return config.store.kind === 'sqlite' ? 'inline' : 'worker';
}

export async function wireExtensions(config: Config, store: Store, nodeId: string): Promise<Extensions> {
  const backend = await openAuditBackend(config);
  const audit = createAuditLog({ backend, nodeId, writer: auditWriter(config, process.env) });
  await audit.ready();
  const incidents = new IncidentService({ backend, clock: Date.now, audit, restrictions: store });
  const capture = new Set(config.tenants.filter((t) => t.capturePrompts).map((t) => t.id));
  const deps: Partial<AppDeps> = {
    record: (rec) => audit.record(requestEvent(rec, config.region, rec.key !== undefined && capture.has(rec.key.tenant))),
    controlAudit: auditControlChanges(audit),
    adminPlugins: [(app) => registerAuditRoutes(app, { audit, backend, incidents })],
  };
  return {
    deps,
    audit,
    close: async () => {
      await audit.close();
      await backend.close();
    },
  };
}
