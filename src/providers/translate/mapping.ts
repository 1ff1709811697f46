/** @module Small shared mappings between the two wire formats: stop reasons, usage, error types, tool arguments. */
import { GatewayError } from '../../core/errors.js';
import type { AnthropicStopReason, AnthropicUsage } from '../wire/anthropic.js';
import type { OpenAIFinishReason, OpenAIUsage } from '../wire/openai.js';

/** Token counts normalised across formats; `inputTokens` includes cached input. */
export type TokenUsage = { inputTokens: number; outputTokens: number; cachedInputTokens: number };

/** Anthropic stop_reason to OpenAI finish_reason; null (unknown) becomes `stop`. */
export function finishReasonFromAnthropic(r: AnthropicStopReason | null | undefined): OpenAIFinishReason {
  switch (r) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default: // end_turn, stop_sequence, pause_turn, null
      return 'stop';
  }
}

/** OpenAI finish_reason to Anthropic stop_reason; OpenAI does not say which stop sequence hit, so `stop` is `end_turn`. */
export function stopReasonFromOpenai(r: OpenAIFinishReason | null | undefined): AnthropicStopReason {
  switch (r) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** Anthropic usage (input excludes cache reads and writes) to normalised counts. */
export function usageFromAnthropic(u: Partial<AnthropicUsage> | null | undefined): TokenUsage {
  const cachedRead = num(u?.cache_read_input_tokens);
  return {
    inputTokens: num(u?.input_tokens) + cachedRead + num(u?.cache_creation_input_tokens),
    outputTokens: num(u?.output_tokens),
    cachedInputTokens: cachedRead,
  };
}

/** OpenAI usage (prompt includes cached tokens) to normalised counts. */
export function usageFromOpenai(u: Partial<OpenAIUsage> | null | undefined): TokenUsage {
  return {
    inputTokens: num(u?.prompt_tokens),
    outputTokens: num(u?.completion_tokens),
    cachedInputTokens: num(u?.prompt_tokens_details?.cached_tokens),
  };
}

/** Normalised counts to OpenAI usage. */
export function usageToOpenai(u: TokenUsage): OpenAIUsage {
  const out: OpenAIUsage = {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
  };
  if (u.cachedInputTokens > 0) out.prompt_tokens_details = { cached_tokens: u.cachedInputTokens };
  return out;
}

/** Normalised counts to Anthropic usage; cache writes are not known from OpenAI and count as plain input. */
export function usageToAnthropic(u: TokenUsage): AnthropicUsage {
  const cached = Math.min(u.cachedInputTokens, u.inputTokens);
  return {
    input_tokens: u.inputTokens - cached,
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: cached,
  };
}

/** Anthropic error type to the nearest OpenAI error type. */
export function openaiErrorType(anthropicType: string): string {
  switch (anthropicType) {
    case 'invalid_request_error':
    case 'authentication_error':
    case 'permission_error':
    case 'not_found_error':
    case 'rate_limit_error':
      return anthropicType;
    default: // api_error, overloaded_error, timeout_error, ...
      return 'server_error';
  }
}

/** OpenAI error type or code to the nearest Anthropic error type. */
export function anthropicErrorType(openaiType: string): string {
  switch (openaiType) {
    case 'invalid_request_error':
    case 'authentication_error':
    case 'permission_error':
    case 'not_found_error':
      return openaiType;
    case 'rate_limit_error':
    case 'rate_limit_exceeded':
    case 'insufficient_quota':
      return 'rate_limit_error';
    default:
      return 'api_error';
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses OpenAI `function.arguments` into an object; empty means `{}`; undefined when it is not a JSON object. */
export function parseArgumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Like parseArgumentsObject, for caller input: anything but a JSON object is GW_REQUEST_INVALID. */
export function parseToolArguments(args: unknown, where: string): Record<string, unknown> {
  const parsed = parseArgumentsObject(args);
  if (parsed === undefined) throw invalidRequest(`${where}: function.arguments must be a JSON object encoded as a string.`);
  return parsed;
}

/** The typed error every request translator throws for input it cannot map. */
export function invalidRequest(message: string): GatewayError {
  return new GatewayError('GW_REQUEST_INVALID', message);
}

/** Makes an id acceptable to Anthropic (`[A-Za-z0-9_-]+`) deterministically, so tool_use and tool_result still pair. */
export function anthropicSafeId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
    out += ok ? id[i] : '_';
  }
  return out === '' ? 'toolu_empty' : out;
}
