/** @module Translates an Anthropic Messages request into an OpenAI Chat Completions request. */
import type { AnthropicContentBlock, AnthropicRequest, AnthropicTool, AnthropicToolChoice } from '../wire/anthropic.js';
import type {
  OpenAIContentPart,
  OpenAIImagePart,
  OpenAIMessage,
  OpenAIRequest,
  OpenAITextPart,
  OpenAITool,
  OpenAIToolCall,
  OpenAIToolChoice,
} from '../wire/openai.js';
import { invalidRequest, isRecord } from './mapping.js';

/** Anthropic request to OpenAI request for `upstreamModel`; throws GatewayError GW_REQUEST_INVALID on what cannot map. */
export function anthropicRequestToOpenai(req: AnthropicRequest, upstreamModel: string): OpenAIRequest {
  if (!isRecord(req) || !Array.isArray(req.messages)) throw invalidRequest('messages must be an array.');
  const messages: OpenAIMessage[] = [];
  if (req.system !== undefined) {
    const parts = textParts(req.system, 'system');
    if (parts.length > 0) messages.push({ role: 'system', content: collapse(parts) });
  }
  req.messages.forEach((m, i) => {
    const where = `messages[${i}]`;
    if (!isRecord(m)) throw invalidRequest(`${where} must be an object.`);
    if (m.role === 'system') {
      const parts = textParts(m.content, where);
      if (parts.length > 0) messages.push({ role: 'system', content: collapse(parts) });
    } else if (m.role === 'user') userMessages(m.content, where, messages);
    else if (m.role === 'assistant') messages.push(assistantMessage(m.content, where));
    else throw invalidRequest(`${where}: role must be user or assistant.`);
  });

  const out: OpenAIRequest = { model: upstreamModel, messages };
  // max_completion_tokens is the field every current OpenAI model accepts (reasoning models reject max_tokens).
  if (typeof req.max_tokens === 'number') out.max_completion_tokens = req.max_tokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length > 0) out.stop = req.stop_sequences;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  const user = isRecord(req.metadata) ? req.metadata['user_id'] : undefined;
  if (typeof user === 'string' && user !== '') out.user = user;
  const tools = Array.isArray(req.tools) ? req.tools.map(convertTool) : [];
  if (tools.length > 0) {
    out.tools = tools;
    if (req.tool_choice !== undefined) {
      out.tool_choice = convertToolChoice(req.tool_choice);
      if ('disable_parallel_tool_use' in req.tool_choice && req.tool_choice.disable_parallel_tool_use === true) {
        out.parallel_tool_calls = false;
      }
    }
  }
  return out;
}

function collapse(parts: OpenAITextPart[]): string | OpenAITextPart[] {
  return parts.length === 1 && parts[0] !== undefined ? parts[0].text : parts;
}

function blocksOf(content: unknown, where: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${where}: content must be a string or an array of blocks.`);
  for (const b of content) if (!isRecord(b) || typeof b['type'] !== 'string') throw invalidRequest(`${where}: content blocks must be objects with a type.`);
  return content as AnthropicContentBlock[];
}

function textParts(content: unknown, where: string): OpenAITextPart[] {
  return blocksOf(content, where).map((b) => {
    if (b.type !== 'text' || typeof b['text'] !== 'string') throw invalidRequest(`${where}: only text blocks are allowed here.`);
    return { type: 'text', text: b['text'] };
  });
}

function imagePart(b: AnthropicContentBlock, where: string): OpenAIImagePart {
  const s = b['source'];
  if (isRecord(s) && s['type'] === 'base64' && typeof s['media_type'] === 'string' && typeof s['data'] === 'string') {
    return { type: 'image_url', image_url: { url: `data:${s['media_type']};base64,${s['data']}` } };
  }
  if (isRecord(s) && s['type'] === 'url' && typeof s['url'] === 'string') return { type: 'image_url', image_url: { url: s['url'] } };
  throw invalidRequest(`${where}: only base64 and url image sources are supported for this model.`);
}

/**
 * One Anthropic user turn can become several OpenAI messages: each tool_result is its own `tool` message
 * (OpenAI wants them right after the assistant's tool_calls), the rest a `user` message after them.
 */
function userMessages(content: unknown, where: string, out: OpenAIMessage[]): void {
  const parts: OpenAIContentPart[] = [];
  for (const b of blocksOf(content, where)) {
    if (b.type === 'text' && typeof b['text'] === 'string') {
      if (b['text'] !== '') parts.push({ type: 'text', text: b['text'] });
    } else if (b.type === 'image') parts.push(imagePart(b, where));
    else if (b.type === 'tool_result') {
      const id = b['tool_use_id'];
      if (typeof id !== 'string') throw invalidRequest(`${where}: tool_result needs tool_use_id.`);
      const texts: string[] = [];
      for (const c of blocksOf(b['content'] ?? '', `${where}.tool_result`)) {
        if (c.type === 'text' && typeof c['text'] === 'string') texts.push(c['text']);
        // OpenAI tool messages carry text only: images move to the user message that follows.
        else if (c.type === 'image') parts.push(imagePart(c, where));
        else throw invalidRequest(`${where}: tool_result content type '${c.type}' is not supported for this model.`);
      }
      const text = texts.join('\n');
      // OpenAI has no is_error flag; the model must still learn the tool failed.
      out.push({ role: 'tool', tool_call_id: id, content: b['is_error'] === true ? `Error: ${text}` : text });
    } else throw invalidRequest(`${where}: content block type '${b.type}' is not supported for this model.`);
  }
  if (parts.length === 0) return;
  const only = parts[0];
  out.push({ role: 'user', content: parts.length === 1 && only !== undefined && only.type === 'text' ? only.text : parts });
}

function assistantMessage(content: unknown, where: string): OpenAIMessage {
  const parts: OpenAITextPart[] = [];
  const calls: OpenAIToolCall[] = [];
  for (const b of blocksOf(content, where)) {
    if (b.type === 'text' && typeof b['text'] === 'string') {
      if (b['text'] !== '') parts.push({ type: 'text', text: b['text'] });
    } else if (b.type === 'tool_use') {
      if (typeof b['id'] !== 'string' || typeof b['name'] !== 'string') throw invalidRequest(`${where}: tool_use needs id and name.`);
      calls.push({ id: b['id'], type: 'function', function: { name: b['name'], arguments: JSON.stringify(b['input'] ?? {}) } });
    } else if (b.type === 'thinking' || b.type === 'redacted_thinking') {
      // Reasoning traces are provider-specific and signed; OpenAI models cannot consume them.
    } else throw invalidRequest(`${where}: content block type '${b.type}' is not supported for this model.`);
  }
  // OpenAI accepts null content only beside tool_calls.
  const msg: OpenAIMessage = { role: 'assistant', content: parts.length > 0 ? collapse(parts) : calls.length > 0 ? null : '' };
  if (calls.length > 0) msg.tool_calls = calls;
  return msg;
}

function convertTool(t: AnthropicTool, i: number): OpenAITool {
  if (!isRecord(t) || typeof t.name !== 'string') throw invalidRequest(`tools[${i}] must have a name.`);
  if (t.type !== undefined && t.type !== null && t.type !== 'custom') {
    throw invalidRequest(`tools[${i}]: server tool '${String(t.type)}' is not available for this model.`);
  }
  const fn: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean } = { name: t.name };
  if (typeof t.description === 'string') fn.description = t.description;
  if (isRecord(t.input_schema)) fn.parameters = t.input_schema;
  if (typeof t.strict === 'boolean') fn.strict = t.strict;
  return { type: 'function', function: fn };
}

function convertToolChoice(tc: AnthropicToolChoice): OpenAIToolChoice {
  if (!isRecord(tc)) throw invalidRequest('tool_choice must be an object.');
  switch (tc.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      if (typeof tc.name !== 'string') throw invalidRequest('tool_choice.name must be a string.');
      return { type: 'function', function: { name: tc.name } };
    default:
      throw invalidRequest('tool_choice.type must be auto, any, tool or none.');
  }
}
