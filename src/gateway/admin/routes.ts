/** @module The admin JSON API under /admin: keys, restrictions, node status; every call needs the admin token. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import type { ControlService } from '../../control/service.js';
import { tokenMatches } from '../../control/admin-token.js';
import type { ReloadReport } from '../../reload.js';
import { errorBody } from '../error-body.js';

export type AdminDeps = {
  readonly control: ControlService;
  readonly adminTokenHash: Buffer;
  readonly status: () => Promise<Record<string, unknown>>;
  /** Re-reads the configuration; guard policies change at once (see src/reload.ts). */
  readonly reload: (actor: string) => Promise<ReloadReport>;
};

type Body = Record<string, unknown>;

function str(b: Body, k: string, required: true): string;
function str(b: Body, k: string, required?: false): string | undefined;
function str(b: Body, k: string, required = false): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) {
    if (required) throw new GatewayError('GW_REQUEST_INVALID', `${k}: required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new GatewayError('GW_REQUEST_INVALID', `${k}: must be a string`);
  return v;
}

function strList(b: Body, k: string): string[] | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new GatewayError('GW_REQUEST_INVALID', `${k}: must be a list of strings`);
  return v as string[];
}

function optInt(b: Body, k: string): number | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new GatewayError('GW_REQUEST_INVALID', `${k}: must be a number`);
  return v;
}

function bodyOf(req: FastifyRequest): Body {
  const b = req.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new GatewayError('GW_REQUEST_INVALID', 'The body must be a JSON object.');
  return b as Body;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    const token = typeof h === 'string' && h.slice(0, 7).toLowerCase() === 'bearer ' ? h.slice(7).trim() : req.headers['x-admin-token'];
    if (typeof token !== 'string' || token.length > 512 || !tokenMatches(token, deps.adminTokenHash)) {
      const e = new GatewayError('GW_ADMIN_UNAUTHORIZED', 'Admin token missing or wrong.');
      return reply.code(e.status).send(errorBody('openai', e));
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    const e = err instanceof GatewayError ? err
      : (err as { statusCode?: number }).statusCode === 413 ? new GatewayError('GW_REQUEST_TOO_LARGE', 'Body too large.')
      : (err as { statusCode?: number }).statusCode === 400 ? new GatewayError('GW_REQUEST_INVALID', 'Invalid JSON body.')
      : new GatewayError('GW_INTERNAL', 'Internal error.', { cause: err });
    if (e.code === 'GW_INTERNAL') reply.log.error({ err }, 'admin call failed');
    return reply.code(e.status).send(errorBody('openai', e));
  });

  const actor = (req: FastifyRequest): string => {
    const a = req.headers['x-warden-actor'];
    return `admin${typeof a === 'string' && /^[\w.@-]{1,64}$/.test(a) ? `:${a}` : ''}`;
  };

  app.get('/admin/keys', async () => ({ keys: await deps.control.listKeys() }));
  app.post('/admin/keys', async (req) => {
    const b = bodyOf(req);
    return deps.control.createKey({ tenant: str(b, 'tenant', true), name: str(b, 'name'), models: strList(b, 'models'), rpm: optInt(b, 'rpm') }, actor(req));
  });
  app.post('/admin/keys/:id/revoke', async (req) => deps.control.revokeKey((req.params as { id: string }).id, actor(req)));
  app.delete('/admin/keys/:id', async (req) => deps.control.revokeKey((req.params as { id: string }).id, actor(req)));

  app.get('/admin/restrictions', async (req) => {
    const all = (req.query as { all?: string }).all === 'true';
    return { restrictions: await deps.control.listRestrictions(all) };
  });
  app.post('/admin/restrictions', async (req) => {
    const b = bodyOf(req);
    const scope = { regions: strList(b, 'regions') ?? [], tenants: strList(b, 'tenants') ?? [], keys: strList(b, 'keys') ?? [] };
    const t = b.terminateInFlight;
    if (t !== undefined && typeof t !== 'boolean') throw new GatewayError('GW_REQUEST_INVALID', 'terminateInFlight: must be true or false');
    return deps.control.restrict(
      { model: str(b, 'model', true), reason: str(b, 'reason', true), scope, fallback: str(b, 'fallback'), expiresAt: optInt(b, 'expiresAt'), incident: str(b, 'incident'), terminateInFlight: t === true },
      actor(req),
      optInt(b, 'timeoutMs'),
    );
  });
  app.post('/admin/restrictions/:id/lift', async (req) => {
    const b = bodyOf(req);
    return deps.control.lift((req.params as { id: string }).id, str(b, 'reason', true), actor(req), optInt(b, 'timeoutMs'));
  });
  app.get('/admin/status', async () => deps.status());
  app.post('/admin/config/reload', async (req) => deps.reload(actor(req)));
}
