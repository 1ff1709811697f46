import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../../audit/audit-log.js';
import { IncidentService } from '../../control/incidents.js';
import { createSqliteAuditBackend, type SqliteAuditBackend } from '../../store/sqlite/audit-sqlite.js';
import { registerAuditRoutes } from './audit-routes.js';

describe('audit and incident admin routes', () => {
  let dir: string;
  let backend: SqliteAuditBackend;
  let audit: AuditLog;
  let app: FastifyInstance;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-routes-'));
    backend = createSqliteAuditBackend(dir);
    audit = createAuditLog({ backend, nodeId: 'n1' });
    app = Fastify();
    registerAuditRoutes(app, { audit, backend, incidents: new IncidentService({ backend, clock: Date.now, audit }), actor: () => 'tester' });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await audit.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens, annotates and resolves an incident, each change audited', async () => {
    const opened = await app.inject({ method: 'POST', url: '/admin/incidents', payload: { title: 'jailbreak wave', severity: 'high', serious: 'other', detectedAt: '2026-03-01T00:00:00Z' } });
    expect(opened.statusCode).toBe(201);
    const inc = opened.json<{ id: string; deadline: { reportBy: string } }>();
    expect(inc.deadline.reportBy).toBe('2026-03-16T00:00:00.000Z');
    expect((await app.inject({ method: 'POST', url: `/admin/incidents/${inc.id}/update`, payload: { note: 'scanner tuned' } })).statusCode).toBe(200);
    const resolved = await app.inject({ method: 'POST', url: `/admin/incidents/${inc.id}/resolve`, payload: {} });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolvedBy: 'tester' });
    const events = (await app.inject({ method: 'GET', url: '/admin/audit/events?chain=n1' })).json<{ events: { event: { action?: string } }[] }>();
    expect(events.events.map((e) => e.event.action).filter(Boolean)).toEqual(expect.arrayContaining(['incident.open', 'incident.note', 'incident.resolve']));
  });

  it('seals, verifies and proves through the API', async () => {
    audit.record({ kind: 'request', outcome: 'allowed', model: 'm' });
    const cp = await app.inject({ method: 'POST', url: '/admin/audit/checkpoint' });
    expect(cp.json<{ signedThrough: number }>().signedThrough).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/admin/audit/verify' })).json()).toMatchObject({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/admin/audit/proof/n1:1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/audit/head' })).json<{ checkpoints: unknown[] }>().checkpoints).toHaveLength(1);
  });

  it('rejects an invalid incident', async () => {
    const r = await app.inject({ method: 'POST', url: '/admin/incidents', payload: { title: 'x', severity: 'apocalyptic' } });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
  });
});
