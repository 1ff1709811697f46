/** @module One upstream call with its limits: retries only while nothing reached the client, upstream errors mapped to wire codes. */
import { GatewayError } from '../../core/errors.js';
import { echoCompletion, echoStreamFrames } from '../../providers/demo/echo.js';
import type { ApiFormat } from '../error-body.js';
import type { GatewayRuntime } from '../runtime.js';
import type { RequestAbort } from '../request-abort.js';
import type { UpstreamResponse } from '../upstream.js';
import type { UpstreamPlan } from './plan.js';
import type { RequestState } from './request-state.js';

export type CallResult = {
  readonly upstreamFormat: ApiFormat;
  readonly response: UpstreamResponse;
  /** Stops the total-time limit; call when the response is finished. */
  readonly done: () => void;
};

const RETRY_STATUS = new Set([429, 502, 503, 529]);
const MAX_ERROR_BODY = 64 * 1024;

/**
 * `abort` is the request's own controller (client gone, terminate-in-flight); the total-time limit aborts it too,
 * which saves a second controller per request. A request past its total time gets no fallback: it is over.
 */
export async function callPlan(rt: GatewayRuntime, plan: UpstreamPlan, st: RequestState, abort: RequestAbort): Promise<CallResult> {
  if (plan.kind === 'demo') {
    st.provider = 'demo';
    const input = { model: plan.model.id, messages: plan.openaiBody.messages, id: `chatcmpl-${st.requestId}`, created: Math.floor(st.at / 1000) };
    const text = st.stream ? echoStreamFrames(input) : [JSON.stringify(echoCompletion(input))];
    return { upstreamFormat: 'openai', response: staticResponse(text, st.stream), done: () => undefined };
  }
  const { provider } = plan;
  st.provider = provider.id;
  const local = abort;
  const timer = setTimeout(() => {
    local.abort(new GatewayError('GW_UPSTREAM_TIMEOUT', `The upstream provider did not finish within ${provider.timeouts.totalMs} ms.`));
  }, provider.timeouts.totalMs);
  const done = (): void => {
    clearTimeout(timer);
  };
  try {
    for (let attempt = 0; ; attempt++) {
      const t = performance.now();
      let res: UpstreamResponse;
      try {
        res = await rt.upstream.send({ provider, path: plan.path, body: plan.body, abort: local });
      } catch (err) {
        const e = err instanceof GatewayError ? err : new GatewayError('GW_UPSTREAM_ERROR', 'Upstream call failed.', { cause: err });
        if (e.retryable && attempt < provider.retries && !local.aborted) continue;
        throw e;
      }
      rt.metrics.upstreamLatency.observe(provider.id, (performance.now() - t) / 1000);
      if (res.status >= 200 && res.status < 300) return { upstreamFormat: plan.upstreamFormat, response: res, done };
      if (RETRY_STATUS.has(res.status) && attempt < provider.retries && !local.aborted) {
        await res.dump();
        continue;
      }
      throw await upstreamHttpError(res);
    }
  } catch (err) {
    done();
    throw err;
  }
}

/** Maps a non-2xx upstream answer to a wire error, keeping the provider's message where it helps the caller. */
async function upstreamHttpError(res: UpstreamResponse): Promise<GatewayError> {
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > MAX_ERROR_BODY) break;
    }
    text += decoder.decode();
  } catch {
    // The message is a courtesy; the status alone decides the code.
  }
  await res.dump();
  let message = '';
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof j.error === 'object' ? j.error?.message : typeof j.error === 'string' ? j.error : j.message;
    if (typeof m === 'string') message = m.slice(0, 500);
  } catch {
    // Not JSON: no message.
  }
  const suffix = message ? `: ${message}` : '';
  const s = res.status;
  if (s === 400 || s === 404 || s === 413 || s === 422) return new GatewayError('GW_REQUEST_INVALID', `The upstream provider rejected the request (HTTP ${s})${suffix}`);
  if (s === 429) return new GatewayError('GW_RATE_LIMITED', `The upstream provider is rate-limiting (HTTP 429)${suffix}`);
  if (s === 408 || s === 504) return new GatewayError('GW_UPSTREAM_TIMEOUT', `The upstream provider timed out (HTTP ${s})${suffix}`);
  return new GatewayError('GW_UPSTREAM_ERROR', `The upstream provider failed (HTTP ${s})${suffix}`);
}

function staticResponse(parts: readonly string[], stream: boolean): UpstreamResponse {
  return {
    status: 200,
    contentType: stream ? 'text/event-stream' : 'application/json',
    body: (async function* () {
      yield* parts;
    })(),
    text: async () => parts.join(''),
    dump: async () => undefined,
  };
}
