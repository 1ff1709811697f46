/** @module The one place that renders an error for the caller, in the caller's API shape. Never a stack trace. */
import type { GatewayError } from '../core/errors.js';

export type ApiFormat = 'openai' | 'anthropic';

function openaiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function anthropicType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** OpenAI `{error:{message,type,code,param}}` or Anthropic `{type:"error",error:{type,message,code}}`; `code` is the stable wire code. */
export function errorBody(format: ApiFormat, err: GatewayError): Record<string, unknown> {
  const extra = err.details ?? {};
  if (format === 'anthropic') {
    return { type: 'error', error: { type: anthropicType(err.status), message: err.message, code: err.wire, ...extra } };
  }
  return { error: { message: err.message, type: openaiType(err.status), code: err.wire, param: null, ...extra } };
}

/** The same error as one SSE frame, for failures after the stream started. */
export function errorFrame(format: ApiFormat, err: GatewayError): string {
  const body = JSON.stringify(errorBody(format, err));
  return format === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}
