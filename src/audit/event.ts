/** @module Audit event shapes: what the gateway and control plane record, and what the log stores and hashes. */
import type { JsonValue } from './canonical-json.js';

/** One guard scanner's findings on a request, by count only (never the matched text). */
export type AuditFinding = {
  readonly scanner: string;
  readonly count: number;
  readonly action?: 'block' | 'redact' | 'flag' | 'pass';
  readonly stage?: 'input' | 'output';
};

/** The decision the data plane took for one request. */
export type RequestOutcome =
  | 'allowed' | 'refused' | 'restricted' | 'fallback' | 'blocked' | 'redacted' | 'flagged' | 'upstream_error';

/** A data-plane decision. `prompt`/`completion` are raw text handed over for hashing; they are stored only when `capture` is true. */
export type RequestEventInput = {
  readonly kind: 'request';
  readonly outcome: RequestOutcome;
  /** Epoch milliseconds; defaults to the log's clock at record time. */
  readonly at?: number;
  readonly requestId?: string;
  /** Who acted; defaults to `key:<keyId>`. */
  readonly actor?: string;
  readonly tenant?: string | null;
  readonly keyId?: string | null;
  /** The model asked for. */
  readonly model?: string | null;
  /** The model that served the request when it differs (fallback, restriction to a fallback model). */
  readonly servedModel?: string | null;
  readonly provider?: string | null;
  readonly api?: 'openai' | 'anthropic';
  readonly stream?: boolean;
  readonly region?: string;
  /** Internal GW_* code of a refusal or error. */
  readonly code?: string | null;
  readonly status?: number;
  readonly latencyMs?: number;
  readonly usage?: { readonly inputTokens?: number; readonly outputTokens?: number };
  readonly findings?: readonly AuditFinding[];
  readonly restrictionId?: string | null;
  readonly prompt?: string;
  readonly completion?: string;
  /** Store the raw prompt and completion too (the tenant's explicit `capturePrompts`). */
  readonly capture?: boolean;
};

/** A control-plane change: keys, models, restrictions, incidents, config reloads. */
export type ChangeEventInput = {
  readonly kind: 'change';
  /** Dotted action, e.g. `key.create`, `restriction.lift`, `incident.open`, `config.reload`. */
  readonly action: string;
  readonly actor: string;
  readonly at?: number;
  /** Id of the object changed. */
  readonly target?: string | null;
  readonly tenant?: string | null;
  readonly model?: string | null;
  /** Policy version the change produced. */
  readonly version?: number;
  readonly detail?: Readonly<Record<string, unknown>>;
};

export type AuditEventInput = RequestEventInput | ChangeEventInput;

/** Events the log writes about itself: chain opened, retention, a problem found at the tail. */
export type SystemEventInput = {
  readonly kind: 'audit';
  readonly action: 'chain.open' | 'chain.tail_mismatch' | 'retention' | 'seal';
  readonly at?: number;
  readonly actor?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
};

/** A keyed hash and length of a text; the text itself only under explicit capture. */
export type TextDigest = { readonly hmac: string; readonly bytes: number; readonly text?: string };

/**
 * The hashed record. Its canonical JSON is exactly
 * `{"e":<payload>,"prev":"<hex>","seq":<n>,"v":1}` (keys already in JCS order), so the payload can be
 * canonicalised before the chain position is known.
 */
export type StoredEvent = {
  readonly e: EventPayload;
  readonly prev: string;
  readonly seq: number;
  readonly v: 1;
};

/** Payload as stored: the input's fields with `node`, `at` set and texts replaced by digests. */
export type EventPayload = { readonly [k: string]: JsonValue } & {
  readonly node: string;
  readonly at: number;
  readonly kind: 'request' | 'change' | 'audit';
};

/** The row every backend keeps per event. */
export type EventRow = {
  readonly chain: string;
  readonly seq: number;
  readonly at: number;
  /** Hex SHA-256 of `body`. */
  readonly hash: string;
  /** Canonical JSON of the StoredEvent. */
  readonly body: string;
};

export const GENESIS_PREV = '0'.repeat(64);

/** `chain:seq`, the id `warden audit prove` takes. */
export function eventId(chain: string, seq: number): string {
  return `${chain}:${seq}`;
}

export function parseEventId(id: string): { chain: string | undefined; seq: number } | undefined {
  const i = id.lastIndexOf(':');
  const seqText = i < 0 ? id : id.slice(i + 1);
  if (!/^[1-9][0-9]{0,15}$/.test(seqText)) return undefined;
  return { chain: i < 0 ? undefined : id.slice(0, i), seq: Number(seqText) };
}
