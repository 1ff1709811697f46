/** @module Admin API of the audit log and incidents: /admin/audit/* and /admin/incidents*, mounted behind the admin token. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AuditBackend } from '../../audit/backend.js';
import type { CheckpointRow } from '../../audit/checkpoint.js';
import { openEnvelope } from '../../audit/envelope.js';
import { parseEventId } from '../../audit/event.js';
import { buildProof } from '../../audit/proof.js';
import { verifyStore } from '../../audit/verify-store.js';
import type { IncidentService } from '../../control/incidents.js';
import { GatewayError } from '../../core/errors.js';

export type AuditRouteDeps = {
  readonly audit: AuditLog;
  readonly backend: AuditBackend;
  readonly incidents: IncidentService;
  /** Who is calling, for the timeline and the audit event (default "admin"). */
  readonly actor?: (req: FastifyRequest) => string;
};

type Body = Record<string, unknown>;

const invalid = (msg: string): GatewayError => new GatewayError('GW_REQUEST_INVALID', msg);

function bodyOf(req: FastifyRequest): Body {
  const b = req.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw invalid('The body must be a JSON object.');
  return b as Body;
}

function optStr(b: Body, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${k}: must be a string`);
  return v;
}

/** A time as epoch ms or an ISO string. */
function optTime(v: unknown, k: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const t = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d{10,16}$/.test(v) ? Number(v) : Date.parse(v)) : Number.NaN;
  if (!Number.isSafeInteger(t)) throw invalid(`${k}: expected an ISO time or epoch milliseconds`);
  return t;
}

function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  return (req.query ?? {}) as Record<string, string | undefined>;
}

export function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const actor = (req: FastifyRequest): string => deps.actor?.(req) ?? 'admin';

  app.get('/admin/audit/stats', async () => deps.audit.stats());

  app.get('/admin/audit/head', async () => {
    const checkpoints: CheckpointRow[] = [];
    for (const chain of await deps.backend.listChains()) {
      const last = (await deps.backend.listCheckpoints(chain)).at(-1);
      if (last) checkpoints.push(last);
    }
    const keys = (await deps.backend.listKeys()).filter((k) => checkpoints.some((c) => c.keyId === k.keyId));
    return { checkpoints, keys };
  });

  app.post('/admin/audit/checkpoint', async () => {
    await deps.audit.checkpoint();
    return { node: deps.audit.nodeId, head: deps.audit.stats().head, signedThrough: deps.audit.stats().lastCheckpointSize };
  });

  app.get('/admin/audit/verify', async (req) => {
    const q = queryOf(req);
    const fromMs = optTime(q.from, 'from');
    const toMs = optTime(q.to, 'to');
    return verifyStore(deps.backend, { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) });
  });

  app.get('/admin/audit/events', async (req) => {
    const q = queryOf(req);
    const chain = q.chain ?? deps.audit.nodeId;
    const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 100) || 100));
    const bounds = await deps.backend.seqBounds(chain);
    if (!bounds) return { chain, events: [] };
    const from = q.fromSeq !== undefined ? Math.max(1, Number(q.fromSeq) || 1) : Math.max(bounds.first, bounds.last - limit + 1);
    const rows = await deps.backend.readEvents(chain, from, bounds.last, limit);
    return {
      chain,
      events: rows.map((r) => ({ id: `${r.chain}:${r.seq}`, seq: r.seq, at: r.at, hash: r.hash, event: JSON.parse(openEnvelope(r.body)?.payload ?? 'null') as unknown })),
    };
  });

  app.get('/admin/audit/proof/:id', async (req) => {
    const id = (req.params as { id: string }).id;
    const parsed = parseEventId(id);
    if (!parsed) throw invalid('event id: expected CHAIN:SEQ');
    const chain = parsed.chain ?? deps.audit.nodeId;
    try {
      return await buildProof(deps.backend, chain, parsed.seq);
    } catch (err) {
      throw new GatewayError('GW_ADMIN_NOT_FOUND', err instanceof Error ? err.message : 'no proof');
    }
  });

  app.post('/admin/audit/prune', async (req) => {
    const b = bodyOf(req);
    const days = b.olderThanDays;
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 1) throw invalid('olderThanDays: a number of days, at least 1');
    return (await deps.audit.prune({ olderThanMs: days * 86_400_000, actor: actor(req) })) ?? { deleted: 0 };
  });

  app.get('/admin/incidents', async (req) => {
    const status = queryOf(req).status;
    if (status !== undefined && status !== 'open' && status !== 'resolved') throw invalid('status: open or resolved');
    return { incidents: await deps.incidents.list(status === undefined ? {} : { status }) };
  });

  app.post('/admin/incidents', async (req, reply) => {
    const b = bodyOf(req);
    const detectedAt = optTime(b.detectedAt, 'detectedAt');
    const model = optStr(b, 'model');
    const serious = optStr(b, 'serious');
    const note = optStr(b, 'note');
    const inc = await deps.incidents.open({
      title: optStr(b, 'title') ?? '', severity: optStr(b, 'severity') ?? '', actor: actor(req),
      ...(model === undefined ? {} : { model }), ...(serious === undefined ? {} : { serious }),
      ...(detectedAt === undefined ? {} : { detectedAt }), ...(note === undefined ? {} : { note }),
    });
    return reply.code(201).send(inc);
  });

  app.get('/admin/incidents/:id', async (req) => deps.incidents.get((req.params as { id: string }).id));

  app.post('/admin/incidents/:id/update', async (req) => {
    const b = bodyOf(req);
    const detectedAt = optTime(b.detectedAt, 'detectedAt');
    const fields = { note: optStr(b, 'note'), title: optStr(b, 'title'), severity: optStr(b, 'severity'), model: optStr(b, 'model'), serious: optStr(b, 'serious') };
    return deps.incidents.update((req.params as { id: string }).id, {
      actor: actor(req),
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(detectedAt === undefined ? {} : { detectedAt }),
    });
  });

  app.post('/admin/incidents/:id/resolve', async (req) => {
    const note = optStr(bodyOf(req), 'note');
    return deps.incidents.resolve((req.params as { id: string }).id, { actor: actor(req), ...(note === undefined ? {} : { note }) });
  });
}
