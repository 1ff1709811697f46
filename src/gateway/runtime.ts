/** @module What the gateway's routes need from the app, passed in (no globals), so tests can hand in fakes. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config, ResolvedProvider } from '../config/load-config.js';
import type { ApiKeyRecord } from '../core/types.js';
import type { Snapshot } from '../policy/snapshot.js';
import type { InflightRegistry } from './inflight.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { UpstreamClient } from './upstream.js';
import type { GuardHooks } from './guard-hooks.js';

export type Usage = { readonly inputTokens: number; readonly outputTokens: number };

/** One finished data-plane request, for the audit log and metrics. `prompt` is only handed to the audit sink to be keyed-hashed. */
export type RequestRecord = {
  readonly requestId: string;
  readonly route: 'chat.completions' | 'messages';
  readonly at: number;
  readonly latencyMs: number;
  readonly key: ApiKeyRecord | undefined;
  readonly requestedModel: string | undefined;
  readonly servedModel: string | undefined;
  readonly provider: string | undefined;
  readonly stream: boolean;
  /** `ok`, or the wire error code. */
  readonly outcome: string;
  readonly status: number;
  readonly restrictionId: string | undefined;
  readonly fallbackFrom: string | undefined;
  readonly usage: Usage | undefined;
  readonly guard: readonly { readonly scanner: string; readonly type: string; readonly count: number; readonly action: string }[];
  readonly promptChars: number;
  readonly completionChars: number;
  /** The request body as received; the audit log stores its HMAC and length, the text only under explicit capture. */
  readonly prompt: string | undefined;
};

export type GatewayRuntime = {
  readonly config: Config;
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  /** The snapshot in force now; the reference is swapped whole, never mutated. */
  snapshot(): Snapshot;
  /** True when this node could not confirm the current policy within its staleness bound. */
  isStale(): boolean;
  readonly upstream: UpstreamClient;
  readonly rateLimiter: RateLimiter;
  readonly inflight: InflightRegistry;
  readonly metrics: Metrics;
  readonly logger: FastifyBaseLogger;
  readonly now: () => number;
  readonly randomId: (prefix: string) => string;
  readonly guards: GuardHooks;
  /** Called once per finished request; when the audit log cannot take it, later requests are refused (see canAccept). */
  record(rec: RequestRecord): void;
  /** False when new requests must be refused to avoid losing audit records. */
  canAccept(): boolean;
};
