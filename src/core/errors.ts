/** @module The one error type of Warden, its internal codes, and the table from internal code to wire code and HTTP status. */

/** Stable wire codes of ARCHITECTURE.md "Wire contracts". Never renamed. */
export type WireCode =
  | 'invalid_api_key'
  | 'model_not_allowed'
  | 'model_restricted'
  | 'guardrail_blocked'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'invalid_request'
  | 'policy_stale'
  | 'overloaded'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'internal_error';

type CodeInfo = { readonly status: number; readonly wire: WireCode; readonly summary: string };

/**
 * Internal codes, `GW_<ROOM>_<WHAT>`. Never renamed or reused; each is documented in docs/errors.md
 * (test/contract/errors.test.ts checks both ways).
 */
export const ERROR_CODES = {
  GW_AUTH_INVALID_KEY: { status: 401, wire: 'invalid_api_key', summary: 'The API key is missing, unknown or revoked.' },
  GW_POLICY_MODEL_NOT_ALLOWED: { status: 403, wire: 'model_not_allowed', summary: 'The key may not use this model, or the model is unknown.' },
  GW_POLICY_MODEL_RESTRICTED: { status: 403, wire: 'model_restricted', summary: 'An operator restricted the model for this scope.' },
  GW_POLICY_STALE: { status: 503, wire: 'policy_stale', summary: 'The node could not confirm the current policy within its staleness bound.' },
  GW_GUARD_BLOCKED: { status: 400, wire: 'guardrail_blocked', summary: 'A guardrail scanner blocked the request or the response.' },
  GW_GUARD_SCANNER_FAILED: { status: 400, wire: 'guardrail_blocked', summary: 'A guardrail scanner failed or timed out; Warden fails closed.' },
  GW_RATE_LIMITED: { status: 429, wire: 'rate_limited', summary: 'The key exceeded its request rate.' },
  GW_UPSTREAM_ERROR: { status: 502, wire: 'upstream_error', summary: 'The upstream provider failed or answered with an error.' },
  GW_UPSTREAM_TIMEOUT: { status: 504, wire: 'upstream_timeout', summary: 'The upstream provider did not answer in time.' },
  GW_REQUEST_INVALID: { status: 400, wire: 'invalid_request', summary: 'The request body or parameters are invalid.' },
  GW_REQUEST_TOO_LARGE: { status: 413, wire: 'invalid_request', summary: 'The request body exceeds the configured size limit.' },
  GW_NODE_CLOSING: { status: 503, wire: 'overloaded', summary: 'The node is shutting down and takes no new requests.' },
  GW_AUDIT_OVERLOADED: { status: 503, wire: 'overloaded', summary: 'The audit queue is full; Warden refuses rather than lose records.' },
  GW_ADMIN_UNAUTHORIZED: { status: 401, wire: 'unauthorized', summary: 'The admin token is missing or wrong.' },
  GW_ADMIN_FORBIDDEN: { status: 403, wire: 'forbidden', summary: "The admin token's role may not do this." },
  GW_ADMIN_NOT_FOUND: { status: 404, wire: 'not_found', summary: 'The addressed object or route does not exist.' },
  GW_STORE_CONFLICT: { status: 409, wire: 'conflict', summary: 'A compare-and-set write lost to a concurrent change.' },
  GW_STORE_UNAVAILABLE: { status: 503, wire: 'internal_error', summary: 'The store could not be reached.' },
  GW_CONFIG_INVALID: { status: 500, wire: 'internal_error', summary: 'The configuration file is invalid.' },
  GW_INTERNAL: { status: 500, wire: 'internal_error', summary: 'An unexpected error; details are in the server log, never in the response.' },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly wire: WireCode;
  /** Extra fields safe to show to the caller (never secrets, never prompt text). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** True when the failed operation cannot have taken effect, so trying again is safe (e.g. connection refused). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.wire = ERROR_CODES[code].wire;
    this.details = opts.details;
    this.retryable = opts.retryable ?? false;
  }
}

/** Normalises any throw at the edge. Unknown errors become GW_INTERNAL with a generic message: no stack, no internals. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('GW_INTERNAL', 'Internal error.', { cause: err });
}

export function isErrorCode(s: string): s is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, s);
}
