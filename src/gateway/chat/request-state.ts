/** @module What one data-plane request has gathered so far; handed to the audit sink as its RequestRecord when it ends. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ApiFormat } from '../error-body.js';
import type { GuardSummary } from '../guard-hooks.js';
import type { RequestRecord } from '../runtime.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Mutable facts gathered while one request runs. It is a RequestRecord itself (plus what only the gateway needs),
 * so the request's end hands this object to the sink instead of copying twenty fields into a new one; nothing
 * changes it after that.
 */
export type RequestState = Mutable<RequestRecord> & {
  readonly format: ApiFormat;
  /** performance.now() at the start, for the latency. */
  readonly t0: number;
  /** Headers of the answer, gathered as the request goes (request id, fallback, guard findings, retry-after). */
  readonly resHeaders: OutgoingHttpHeaders;
};

/** Shared by every request without findings; replaced, never mutated. */
export const NO_FINDINGS: GuardSummary = Object.freeze([]);

export function newRequestState(route: RequestRecord['route'], format: ApiFormat, requestId: string, at: number): RequestState {
  return {
    requestId, route, at, latencyMs: 0, key: undefined, requestedModel: undefined, servedModel: undefined, provider: undefined,
    stream: false, outcome: '', status: 0, restrictionId: undefined, fallbackFrom: undefined, usage: undefined, guard: NO_FINDINGS,
    promptChars: 0, completionChars: 0, prompt: undefined,
    format, t0: performance.now(), resHeaders: { 'x-warden-request-id': requestId },
  };
}
