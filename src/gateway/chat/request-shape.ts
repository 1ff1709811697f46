/** @module The little a gateway must know of a chat request before routing it: model, stream flag, messages. Full validation is the upstream's. */
import { GatewayError } from '../../core/errors.js';
import type { ApiFormat } from '../error-body.js';

export type ChatBody = Record<string, unknown> & { model: string; messages: unknown[]; stream?: boolean };

export function checkChatBody(format: ApiFormat, body: unknown): ChatBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('GW_REQUEST_INVALID', 'The request body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '' || b.model.length > 256) {
    throw new GatewayError('GW_REQUEST_INVALID', "'model' must be a non-empty string.");
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    throw new GatewayError('GW_REQUEST_INVALID', "'messages' must be a non-empty array.");
  }
  if (b.stream !== undefined && typeof b.stream !== 'boolean') {
    throw new GatewayError('GW_REQUEST_INVALID', "'stream' must be a boolean.");
  }
  if (format === 'anthropic' && (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1)) {
    throw new GatewayError('GW_REQUEST_INVALID', "'max_tokens' must be a positive integer.");
  }
  for (const m of b.messages) {
    if (m === null || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
      throw new GatewayError('GW_REQUEST_INVALID', "Each message must be an object with a 'role'.");
    }
  }
  return b as ChatBody;
}
