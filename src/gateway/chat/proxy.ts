/** @module The data-plane request: authenticate, decide, guard, call the upstream (retry / fallback before any byte), answer in the caller's shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { decide } from '../../policy/decide.js';
import { authenticateRequest } from '../auth.js';
import { errorBody, type ApiFormat } from '../error-body.js';
import { noGuards, type GuardRequestInfo, type GuardSummary, type OutputTextFilter } from '../guard-hooks.js';
import { RequestAbort } from '../request-abort.js';
import type { GatewayRuntime, RequestRecord } from '../runtime.js';
import { newRequestState, type RequestState } from './request-state.js';
import { callPlan, type CallResult } from './call.js';
import { sendJsonCompletion } from './json-response.js';
import { planUpstream } from './plan.js';
import { checkChatBody } from './request-shape.js';
import { streamCompletion } from './stream-response.js';

/**
 * Serves one chat request on the raw node:http objects, its body already read: `body` parsed (undefined when
 * empty), `raw` the text as received (forwarded byte for byte when nothing about it changes). Never rejects.
 */
export type ChatHandler = (req: IncomingMessage, res: ServerResponse, body: unknown, raw: string | undefined) => Promise<void>;

export function createChatHandler(rt: GatewayRuntime, format: ApiFormat): ChatHandler {
  const route: RequestRecord['route'] = format === 'openai' ? 'chat.completions' : 'messages';
  return async function chatHandler(req, res, body, raw): Promise<void> {
    const st = newRequestState(route, format, rt.randomId('req'), rt.now());
    try {
      await handle(rt, format, req, res, body, raw, st);
    } catch (err) {
      try {
        const e = toGatewayError(err);
        if (e.code === 'GW_INTERNAL') rt.logger.error({ err: e.cause, requestId: st.requestId }, 'request failed');
        if (!res.headersSent && !res.destroyed) sendError(res, st, format, e);
        finish(rt, st, e.wire, e.status);
      } catch (err2) {
        // Never rejects: the caller need not attach a handler per request.
        rt.logger.error({ err: err2, requestId: st.requestId }, 'request failed while failing');
        if (!res.writableEnded && !res.destroyed) res.destroy();
      }
    }
  };
}

/** The error in the caller's shape, with the headers gathered so far (request id, retry-after, ...). */
function sendError(res: ServerResponse, st: RequestState, format: ApiFormat, e: GatewayError): void {
  const text = JSON.stringify(errorBody(format, e));
  const h = st.resHeaders;
  h['content-type'] = 'application/json';
  h['content-length'] = Buffer.byteLength(text);
  res.writeHead(e.status, h);
  res.end(text);
}

async function handle(
  rt: GatewayRuntime, format: ApiFormat, req: IncomingMessage, res: ServerResponse, rawBody: unknown, rawText: string | undefined, st: RequestState,
): Promise<void> {
  const snapshot = rt.snapshot();
  const key = authenticateRequest(snapshot, req);
  if (!key) throw new GatewayError('GW_AUTH_INVALID_KEY', 'Invalid or missing API key. Pass it as "Authorization: Bearer <key>" or "x-api-key".');
  st.key = key;
  if (!rt.canAccept()) throw new GatewayError('GW_AUDIT_OVERLOADED', 'Warden is overloaded (audit queue full); retry shortly.');

  const body = checkChatBody(format, rawBody);
  st.prompt = rawText;
  st.promptChars = rawText?.length ?? 0;
  st.requestedModel = body.model;
  st.stream = body.stream === true;
  const decision = decide(snapshot, { key, model: body.model, region: rt.config.region, now: st.at, stale: rt.isStale() });
  if (decision.kind === 'deny') {
    st.restrictionId = decision.restrictionId;
    throw new GatewayError(decision.code, decision.message, decision.restrictionId ? { details: { restriction_id: decision.restrictionId } } : {});
  }
  if (decision.fallbackFrom) {
    st.fallbackFrom = decision.fallbackFrom.model;
    st.restrictionId = decision.fallbackFrom.restrictionId;
    st.resHeaders['x-warden-fallback'] = `from=${decision.fallbackFrom.model}; restriction=${decision.fallbackFrom.restrictionId}`;
  }
  if (key.rpm !== null) {
    const waitMs = rt.rateLimiter.take(key.id, key.rpm, st.at);
    if (waitMs > 0) {
      st.resHeaders['retry-after'] = String(Math.ceil(waitMs / 1000));
      throw new GatewayError('GW_RATE_LIMITED', `Rate limit of ${key.rpm} requests per minute exceeded for this key.`);
    }
  }

  // Input guards: may block, or hand back a redacted body (and a restorer for pseudonyms in the answer).
  let outBody: Record<string, unknown> = body;
  let raw = rawText;
  let restore: OutputTextFilter | undefined;
  let guardRequest: GuardRequestInfo | undefined;
  let output: OutputTextFilter | undefined;
  const scope = rt.guards === noGuards ? undefined : { model: decision.model.id, tenant: key.tenant, format };
  if (scope) {
    const guarded = rt.guards.input(scope, body);
    if (guarded) {
      const g = await guarded;
      st.guard = g.findings;
      if (g.findings.length > 0) st.resHeaders['x-warden-guard'] = guardHeader(g.findings);
      if (g.outcome === 'blocked') throw new GatewayError('GW_GUARD_BLOCKED', g.message);
      guardRequest = g.request;
      if (g.outcome === 'redacted') {
        outBody = g.body;
        raw = undefined;
        restore = g.restore;
      }
    }
  }

  const abort = new RequestAbort();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort(new GatewayError('GW_UPSTREAM_ERROR', 'The client went away.'));
  };
  // on, not once: the listener is removed on every way out, and once() would wrap it in another closure.
  res.on('close', onClose);

  let result: CallResult | undefined;
  try {
    result = await callPlan(rt, planUpstream(format, outBody, raw, decision.model, rt.providers), st, abort);
    st.servedModel = decision.model.id;
  } catch (err) {
    const e = toGatewayError(err);
    // Only an upstream failure moves on to the fallback model; a bad request would fail there too.
    const fb = decision.model.fallback === undefined ? undefined : snapshot.models.get(decision.model.fallback);
    if (!fb || (key.models !== null && !key.models.includes(fb.id)) || abort.aborted || (e.wire !== 'upstream_error' && e.wire !== 'upstream_timeout')) {
      res.off('close', onClose);
      throw e;
    }
    try {
      result = await callPlan(rt, planUpstream(format, outBody, undefined, fb, rt.providers), st, abort);
    } catch (err2) {
      res.off('close', onClose);
      throw err2;
    }
    st.servedModel = fb.id;
    st.resHeaders['x-warden-fallback'] = `from=${decision.model.id}; reason=upstream_failure`;
  }
  st.resHeaders['x-warden-model'] = st.servedModel;
  if (scope) output = rt.guards.output(scope, restore, guardRequest);
  else output = restore;

  if (st.stream) {
    // After the first byte the stream reports its own failures in-band; it returns how the request ended.
    const end = await streamCompletion(rt, body, res, st, result, output, abort);
    finish(rt, st, end.outcome, end.status);
  } else {
    await sendJsonCompletion(res, st, result, output);
    finish(rt, st, 'ok', 200);
  }
  res.off('close', onClose);
}

function guardHeader(findings: GuardSummary): string {
  return findings.map((f) => `${f.type}=${f.count};${f.action}`).join(', ');
}

export function finish(rt: GatewayRuntime, st: RequestState, outcome: string, status: number): void {
  const latencyMs = performance.now() - st.t0;
  rt.metrics.requests.inc(st.route, st.servedModel ?? 'none', outcome);
  rt.metrics.latency.observe(st.route, latencyMs / 1000);
  if (outcome !== 'ok') rt.metrics.errors.inc(outcome);
  for (const f of st.guard) rt.metrics.guardFindings.inc({ scanner: f.scanner, type: f.type, action: f.action }, f.count);
  st.latencyMs = latencyMs;
  st.outcome = outcome;
  st.status = status;
  rt.record(st);
}
