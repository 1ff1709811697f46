/** @module Calls to upstream providers over undici: one keep-alive pool per provider, connect / first-byte / total limits. */
import { Pool } from 'undici';
import type { ResolvedProvider } from '../config/load-config.js';
import type { RequestAbort } from './request-abort.js';
import { UpstreamCall, upstreamFailure } from './upstream-call.js';
import type { UpstreamResponse } from './upstream-response.js';

export type { UpstreamResponse };
export { upstreamFailure };

export type UpstreamFormat = 'openai' | 'anthropic';

export type UpstreamRequest = {
  readonly provider: ResolvedProvider;
  /** Path after the provider's base URL, e.g. `/chat/completions`. */
  readonly path: string;
  readonly body: string;
  readonly abort: RequestAbort;
  /** Caller headers worth forwarding (e.g. `anthropic-beta`). */
  readonly extraHeaders?: Record<string, string>;
};

const DEFAULT_BASE: Record<UpstreamFormat, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

type Endpoint = { readonly pool: Pool; readonly basePath: string; readonly headers: Record<string, string> };

/** Owns the pools; one per app, closed with it. */
export class UpstreamClient {
  readonly #endpoints = new Map<string, Endpoint>();

  #endpoint(p: ResolvedProvider): Endpoint {
    let ep = this.#endpoints.get(p.id);
    if (ep) return ep;
    const url = new URL(p.baseUrl ?? DEFAULT_BASE[p.type]);
    let basePath = url.pathname.replace(/\/+$/, '');
    // Anthropic's documented base URL has no /v1; accept both spellings.
    if (p.type === 'anthropic' && !basePath.endsWith('/v1')) basePath += '/v1';
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(p.headers ?? {}) };
    const key = p.apiKey?.reveal();
    if (p.type === 'anthropic') {
      headers['anthropic-version'] ??= '2023-06-01';
      if (key) headers['x-api-key'] = key;
    } else if (key) {
      headers.authorization = `Bearer ${key}`;
    }
    const pool = new Pool(url.origin, {
      connections: p.connections,
      connect: { timeout: p.timeouts.connectMs },
      headersTimeout: p.timeouts.firstByteMs,
      // Longest silence allowed between two body chunks of a stream.
      bodyTimeout: p.timeouts.firstByteMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
    ep = { pool, basePath, headers };
    this.#endpoints.set(p.id, ep);
    return ep;
  }

  /**
   * Sends one request. Resolves once response headers arrived (any status); rejects with a GatewayError
   * (`GW_UPSTREAM_TIMEOUT` or `GW_UPSTREAM_ERROR`, `retryable` when the upstream cannot have processed it).
   */
  send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const ep = this.#endpoint(req.provider);
    // A minimal dispatch handler instead of pool.request(): no Readable stream, no async-iterator machinery and no
    // AbortSignal listener per request. The call rejects with the mapped error itself.
    const call = new UpstreamCall(req.abort);
    try {
      ep.pool.dispatch({
        method: 'POST',
        path: ep.basePath + req.path,
        headers: req.extraHeaders ? { ...ep.headers, ...req.extraHeaders } : ep.headers,
        body: req.body,
      }, call);
    } catch (err) {
      return Promise.reject(upstreamFailure(err, req.abort));
    }
    return call.headers;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#endpoints.values()].map((e) => e.pool.close().catch(() => undefined)));
    this.#endpoints.clear();
  }
}
