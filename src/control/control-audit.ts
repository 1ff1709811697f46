/** @module Control-plane changes as audit events, durable before the admin call returns. */
import type { AuditLog } from '../audit/audit-log.js';
import type { ControlAudit } from './service.js';

export function auditControlChanges(audit: Pick<AuditLog, 'recordAndFlush'>): ControlAudit {
  return async (ev) => {
    await audit.recordAndFlush({
      kind: 'change', action: ev.type, actor: ev.actor, at: ev.at, version: ev.version,
      target: typeof ev.detail.id === 'string' ? ev.detail.id : null, detail: ev.detail,
    });
  };
}
