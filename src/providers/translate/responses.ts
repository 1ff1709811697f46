/** @module Translates complete (non-streamed) responses between Anthropic Messages and OpenAI Chat Completions. */
import { GatewayError } from '../../core/errors.js';
import type { AnthropicContentBlock, AnthropicMessage } from '../wire/anthropic.js';
import type { OpenAIChatCompletion, OpenAIResponseMessage, OpenAIToolCall } from '../wire/openai.js';
import {
  finishReasonFromAnthropic,
  isRecord,
  parseArgumentsObject,
  stopReasonFromOpenai,
  usageFromAnthropic,
  usageFromOpenai,
  usageToAnthropic,
  usageToOpenai,
} from './mapping.js';

const badUpstream = (message: string): GatewayError => new GatewayError('GW_UPSTREAM_ERROR', message);

/** Anthropic message to OpenAI chat.completion; `created` is unix seconds (pure code reads no clock). Thinking blocks are dropped. */
export function anthropicResponseToOpenai(res: AnthropicMessage, model: string, created: number): OpenAIChatCompletion {
  if (!isRecord(res) || !Array.isArray(res.content)) throw badUpstream('Upstream response has no content array.');
  let text = '';
  let hasText = false;
  const calls: OpenAIToolCall[] = [];
  for (const b of res.content) {
    if (!isRecord(b)) continue;
    if (b.type === 'text' && typeof b['text'] === 'string') {
      text += b['text'];
      hasText = true;
    } else if (b.type === 'tool_use' && typeof b['id'] === 'string' && typeof b['name'] === 'string') {
      calls.push({ id: b['id'], type: 'function', function: { name: b['name'], arguments: JSON.stringify(b['input'] ?? {}) } });
    }
  }
  const message: OpenAIResponseMessage = {
    role: 'assistant',
    content: hasText ? text : calls.length > 0 ? null : '',
    refusal: null,
  };
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: typeof res.id === 'string' ? res.id : 'msg_unknown',
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message, finish_reason: finishReasonFromAnthropic(res.stop_reason), logprobs: null }],
    usage: usageToOpenai(usageFromAnthropic(res.usage)),
  };
}

/** OpenAI chat.completion (first choice) to Anthropic message; invalid tool-call JSON is GW_UPSTREAM_ERROR. */
export function openaiResponseToAnthropic(res: OpenAIChatCompletion, model: string): AnthropicMessage {
  const choice = isRecord(res) && Array.isArray(res.choices) ? res.choices[0] : undefined;
  if (!isRecord(choice) || !isRecord(choice.message)) throw badUpstream('Upstream response has no choices.');
  const m = choice.message;
  const content: AnthropicContentBlock[] = [];
  const text = typeof m.content === 'string' ? m.content : textOfParts(m.content);
  if (text !== '') content.push({ type: 'text', text });
  const refusal = typeof m.refusal === 'string' ? m.refusal : '';
  if (refusal !== '') content.push({ type: 'text', text: refusal });
  for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
    if (!isRecord(tc) || !isRecord(tc.function) || typeof tc.id !== 'string' || typeof tc.function.name !== 'string') {
      throw badUpstream('Upstream response has a malformed tool call.');
    }
    const input = parseArgumentsObject(tc.function.arguments);
    // Anthropic tool input must be an object; guessing one would hand the caller arguments the model never produced.
    if (input === undefined) throw badUpstream('Upstream tool call arguments are not a JSON object.');
    content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
  }
  return {
    id: typeof res.id === 'string' ? res.id : 'msg_unknown',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: refusal !== '' && choice.finish_reason === 'stop' ? 'refusal' : stopReasonFromOpenai(choice.finish_reason),
    stop_sequence: null,
    usage: usageToAnthropic(usageFromOpenai(res.usage)),
  };
}

/** Some OpenAI-compatible servers answer with content parts instead of a string. */
function textOfParts(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const p of content) if (isRecord(p) && p['type'] === 'text' && typeof p['text'] === 'string') out += p['text'];
  return out;
}
