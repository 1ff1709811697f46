/** @module The data-plane request: authenticate, decide, guard, call the upstream (retry / fallback before any byte), answer in the caller's shape. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { decide } from '../../policy/decide.js';
import type { ModelEntry } from '../../policy/snapshot.js';
import { authenticate } from '../auth.js';
import { errorBody, type ApiFormat } from '../error-body.js';
import type { GuardRequestInfo, GuardSummary, OutputTextFilter } from '../guard-hooks.js';
import { RequestAbort } from '../request-abort.js';
import type { GatewayRuntime, RequestRecord } from '../runtime.js';
import type { RequestState } from './request-state.js';
import { callPlan, type CallResult } from './call.js';
import { sendJsonCompletion } from './json-response.js';
import { planUpstream } from './plan.js';
import { checkChatBody } from './request-shape.js';
import { streamCompletion } from './stream-response.js';

export function createChatHandler(rt: GatewayRuntime, format: ApiFormat) {
  const route: RequestRecord['route'] = format === 'openai' ? 'chat.completions' : 'messages';
  return async function chatHandler(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const st: RequestState = {
      requestId: rt.randomId('req'), route, format, startedAt: rt.now(), t0: performance.now(),
      key: undefined, requestedModel: undefined, servedModel: undefined, provider: undefined, stream: false,
      restrictionId: undefined, fallbackFrom: undefined, usage: undefined, guard: [], promptChars: 0, completionChars: 0, prompt: undefined,
    };
    reply.header('x-warden-request-id', st.requestId);
    try {
      await handle(rt, format, req, reply, st);
    } catch (err) {
      const e = toGatewayError(err);
      if (e.code === 'GW_INTERNAL') rt.logger.error({ err: e.cause, requestId: st.requestId }, 'request failed');
      if (!reply.sent && !reply.raw.headersSent) {
        reply.code(e.status).header('content-type', 'application/json').send(JSON.stringify(errorBody(format, e)));
      }
      finish(rt, st, e.wire, e.status);
    }
  };
}

async function handle(rt: GatewayRuntime, format: ApiFormat, req: FastifyRequest, reply: FastifyReply, st: RequestState): Promise<void> {
  const snapshot = rt.snapshot();
  const key = authenticate(snapshot, req.headers);
  if (!key) throw new GatewayError('GW_AUTH_INVALID_KEY', 'Invalid or missing API key. Pass it as "Authorization: Bearer <key>" or "x-api-key".');
  st.key = key;
  if (!rt.canAccept()) throw new GatewayError('GW_AUDIT_OVERLOADED', 'Warden is overloaded (audit queue full); retry shortly.');

  const body = checkChatBody(format, req.body);
  st.prompt = (req as FastifyRequest & { rawBody?: string }).rawBody;
  st.promptChars = st.prompt?.length ?? 0;
  st.requestedModel = body.model;
  st.stream = body.stream === true;
  const decision = decide(snapshot, { key, model: body.model, region: rt.config.region, now: st.startedAt, stale: rt.isStale() });
  if (decision.kind === 'deny') {
    st.restrictionId = decision.restrictionId;
    throw new GatewayError(decision.code, decision.message, decision.restrictionId ? { details: { restriction_id: decision.restrictionId } } : {});
  }
  if (decision.fallbackFrom) {
    st.fallbackFrom = decision.fallbackFrom.model;
    st.restrictionId = decision.fallbackFrom.restrictionId;
    reply.header('x-warden-fallback', `from=${decision.fallbackFrom.model}; restriction=${decision.fallbackFrom.restrictionId}`);
  }
  if (key.rpm !== null) {
    const waitMs = rt.rateLimiter.take(key.id, key.rpm, st.startedAt);
    if (waitMs > 0) {
      reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new GatewayError('GW_RATE_LIMITED', `Rate limit of ${key.rpm} requests per minute exceeded for this key.`);
    }
  }

  // Input guards: may block, or hand back a redacted body (and a restorer for pseudonyms in the answer).
  let outBody: Record<string, unknown> = body;
  let raw = (req as FastifyRequest & { rawBody?: string }).rawBody;
  let restore: OutputTextFilter | undefined;
  let guardRequest: GuardRequestInfo | undefined;
  const scope = { model: decision.model.id, tenant: key.tenant, format };
  const guarded = rt.guards.input(scope, body);
  if (guarded) {
    const g = await guarded;
    st.guard = g.findings;
    if (g.findings.length > 0) reply.header('x-warden-guard', guardHeader(g.findings));
    if (g.outcome === 'blocked') throw new GatewayError('GW_GUARD_BLOCKED', g.message);
    guardRequest = g.request;
    if (g.outcome === 'redacted') {
      outBody = g.body;
      raw = undefined;
      restore = g.restore;
    }
  }

  const candidates: ModelEntry[] = [decision.model];
  const fb = decision.model.fallback === undefined ? undefined : snapshot.models.get(decision.model.fallback);
  if (fb && (key.models === null || key.models.includes(fb.id))) candidates.push(fb);

  const abort = new RequestAbort();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) abort.abort(new GatewayError('GW_UPSTREAM_ERROR', 'The client went away.'));
  };
  reply.raw.once('close', onClose);

  let result: CallResult | undefined;
  let lastErr: GatewayError | undefined;
  for (const model of candidates) {
    const plan = planUpstream(format, outBody, model === decision.model ? raw : undefined, model, rt.providers);
    try {
      result = await callPlan(rt, plan, st, abort);
      st.servedModel = model.id;
      if (model !== decision.model) reply.header('x-warden-fallback', `from=${decision.model.id}; reason=upstream_failure`);
      break;
    } catch (err) {
      lastErr = toGatewayError(err);
      // Only an upstream failure moves on to the fallback model; a bad request would fail there too.
      if (abort.aborted || (lastErr.wire !== 'upstream_error' && lastErr.wire !== 'upstream_timeout')) break;
    }
  }
  if (!result) throw lastErr ?? new GatewayError('GW_UPSTREAM_ERROR', 'No upstream answered.');
  reply.header('x-warden-model', st.servedModel ?? '');
  const output = rt.guards.output(scope, restore, guardRequest);

  if (st.stream) {
    // After the first byte the stream reports its own failures in-band; it returns how the request ended.
    const end = await streamCompletion(rt, req, reply, st, result, output, abort);
    finish(rt, st, end.outcome, end.status);
  } else {
    await sendJsonCompletion(rt, reply, st, result, output);
    finish(rt, st, 'ok', 200);
  }
  reply.raw.off('close', onClose);
}

function guardHeader(findings: GuardSummary): string {
  return findings.map((f) => `${f.type}=${f.count};${f.action}`).join(', ');
}

export function finish(rt: GatewayRuntime, st: RequestState, outcome: string, status: number): void {
  const latencyMs = performance.now() - st.t0;
  rt.metrics.requests.inc({ route: st.route, model: st.servedModel ?? 'none', code: outcome });
  rt.metrics.latency.observe({ route: st.route }, latencyMs / 1000);
  if (outcome !== 'ok') rt.metrics.errors.inc({ code: outcome });
  for (const f of st.guard) rt.metrics.guardFindings.inc({ scanner: f.scanner, type: f.type, action: f.action }, f.count);
  rt.record({
    requestId: st.requestId, route: st.route, at: st.startedAt, latencyMs, key: st.key, requestedModel: st.requestedModel,
    servedModel: st.servedModel, provider: st.provider, stream: st.stream, outcome, status, restrictionId: st.restrictionId,
    fallbackFrom: st.fallbackFrom, usage: st.usage, guard: st.guard, promptChars: st.promptChars, completionChars: st.completionChars, prompt: st.prompt,
  });
}
