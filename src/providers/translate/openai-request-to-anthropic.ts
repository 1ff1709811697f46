/** @module Translates an OpenAI Chat Completions request into an Anthropic Messages request. */
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicImageMediaType,
  AnthropicMessageParam,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from '../wire/anthropic.js';
import type { OpenAIContentPart, OpenAIMessage, OpenAIRequest, OpenAITool, OpenAIToolChoice } from '../wire/openai.js';
import { anthropicSafeId, invalidRequest, isRecord, parseToolArguments } from './mapping.js';

/** Anthropic requires max_tokens; OpenAI callers often omit it. */
export const DEFAULT_MAX_TOKENS = 4096;

const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

type Turn = { role: 'user' | 'assistant'; content: AnthropicContentBlock[] };

/** OpenAI request to Anthropic request for `upstreamModel`; throws GatewayError GW_REQUEST_INVALID on what cannot map. */
export function openaiRequestToAnthropic(req: OpenAIRequest, upstreamModel: string): AnthropicRequest {
  if (!isRecord(req) || !Array.isArray(req.messages)) throw invalidRequest('messages must be an array.');
  if (req.n !== undefined && req.n !== null && req.n !== 1) throw invalidRequest('n other than 1 is not supported for this model.');
  if (req['functions'] !== undefined || req['function_call'] !== undefined) {
    throw invalidRequest('Legacy functions/function_call are not supported for this model; use tools/tool_choice.');
  }
  const system: AnthropicTextBlock[] = [];
  const turns: Turn[] = [];
  req.messages.forEach((m, i) => convertMessage(m, i, system, turns));
  if (turns.length === 0) throw invalidRequest('messages must contain at least one user or assistant message.');

  const out: AnthropicRequest = {
    model: upstreamModel,
    max_tokens: maxTokens(req),
    messages: turns.map(finishTurn),
  };
  if (system.length === 1 && system[0] !== undefined) out.system = system[0].text;
  else if (system.length > 1) out.system = system;
  if (typeof req.temperature === 'number') out.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  const stop = typeof req.stop === 'string' ? (req.stop === '' ? [] : [req.stop]) : Array.isArray(req.stop) ? req.stop.filter((s) => typeof s === 'string' && s !== '') : [];
  if (stop.length > 0) out.stop_sequences = stop;
  if (req.stream === true) out.stream = true;
  if (typeof req.user === 'string' && req.user !== '') out.metadata = { user_id: req.user };
  const tools = Array.isArray(req.tools) ? req.tools.map(convertTool) : [];
  if (tools.length > 0) {
    out.tools = tools;
    const choice = convertToolChoice(req.tool_choice, req.parallel_tool_calls === false);
    if (choice !== undefined) out.tool_choice = choice;
  }
  return out;
}

function maxTokens(req: OpenAIRequest): number {
  const v = req.max_completion_tokens ?? req.max_tokens;
  if (v === undefined || v === null) return DEFAULT_MAX_TOKENS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalidRequest('max_tokens must be a positive integer.');
  return v;
}

function convertMessage(m: OpenAIMessage, i: number, system: AnthropicTextBlock[], turns: Turn[]): void {
  const where = `messages[${i}]`;
  if (!isRecord(m)) throw invalidRequest(`${where} must be an object.`);
  switch (m.role) {
    case 'system':
    case 'developer':
      // Anthropic has one system prompt: later system messages lose their position in the conversation.
      for (const b of textBlocks(m.content, where)) system.push(b);
      return;
    case 'user':
      return pushTurn(turns, 'user', userBlocks(m.content, where));
    case 'assistant': {
      if (m.function_call !== undefined && m.function_call !== null) throw invalidRequest(`${where}: legacy function_call is not supported.`);
      const blocks: AnthropicContentBlock[] = textBlocks(m.content ?? '', where);
      if (blocks.length === 0 && typeof m.refusal === 'string' && m.refusal !== '') blocks.push({ type: 'text', text: m.refusal });
      (m.tool_calls ?? []).forEach((tc, j) => {
        const w = `${where}.tool_calls[${j}]`;
        if (!isRecord(tc) || tc.type !== 'function' || !isRecord(tc.function)) throw invalidRequest(`${w} must be a function call.`);
        if (typeof tc.id !== 'string' || typeof tc.function.name !== 'string') throw invalidRequest(`${w} needs id and function.name.`);
        blocks.push({ type: 'tool_use', id: anthropicSafeId(tc.id), name: tc.function.name, input: parseToolArguments(tc.function.arguments, w) });
      });
      return pushTurn(turns, 'assistant', blocks);
    }
    case 'tool': {
      if (typeof m.tool_call_id !== 'string') throw invalidRequest(`${where}: tool message needs tool_call_id.`);
      const content = typeof m.content === 'string' ? m.content : textBlocks(m.content, where);
      return pushTurn(turns, 'user', [{ type: 'tool_result', tool_use_id: anthropicSafeId(m.tool_call_id), content }]);
    }
    case 'function':
      throw invalidRequest(`${where}: legacy function messages are not supported; use tool messages.`);
    default:
      throw invalidRequest(`${where}: unknown role.`);
  }
}

/** Anthropic requires alternating roles: consecutive same-role messages merge into one. */
function pushTurn(turns: Turn[], role: Turn['role'], blocks: AnthropicContentBlock[]): void {
  if (blocks.length === 0) return; // Anthropic rejects empty content; an empty message carries nothing.
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/** Anthropic wants tool_result blocks before any other content of the user turn. */
function finishTurn(t: Turn): AnthropicMessageParam {
  if (t.role === 'assistant') return { role: t.role, content: t.content };
  const results = t.content.filter((b) => b.type === 'tool_result');
  if (results.length === 0 || results.length === t.content.length) return { role: t.role, content: t.content };
  return { role: t.role, content: [...results, ...t.content.filter((b) => b.type !== 'tool_result')] };
}

function textBlocks(content: unknown, where: string): AnthropicTextBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${where}: content must be a string or an array of parts.`);
  const out: AnthropicTextBlock[] = [];
  for (const p of content) {
    if (!isRecord(p)) throw invalidRequest(`${where}: content parts must be objects.`);
    const text = p.type === 'text' ? p['text'] : p.type === 'refusal' ? p['refusal'] : undefined;
    if (typeof text !== 'string') throw invalidRequest(`${where}: only text parts are allowed here.`);
    if (text !== '') out.push({ type: 'text', text });
  }
  return out;
}

function userBlocks(content: string | OpenAIContentPart[], where: string): AnthropicContentBlock[] {
  if (typeof content === 'string' || !Array.isArray(content)) return textBlocks(content, where);
  const out: AnthropicContentBlock[] = [];
  for (const p of content) {
    if (isRecord(p) && p.type === 'image_url') {
      const url = isRecord(p['image_url']) ? p['image_url']['url'] : undefined;
      if (typeof url !== 'string') throw invalidRequest(`${where}: image_url.url must be a string.`);
      out.push(imageBlock(url, where));
    } else if (isRecord(p) && p.type === 'text') {
      out.push(...textBlocks([p], where));
    } else {
      const t = isRecord(p) && typeof p.type === 'string' ? p.type : 'unknown';
      throw invalidRequest(`${where}: content part type '${t}' is not supported for this model.`);
    }
  }
  return out;
}

/** data: URLs become base64 sources, http(s) URLs url sources; `detail` has no Anthropic equivalent. */
function imageBlock(url: string, where: string): AnthropicImageBlock {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const header = comma === -1 ? '' : url.slice(5, comma);
    if (!header.endsWith(';base64')) throw invalidRequest(`${where}: image data URLs must be base64.`);
    const semi = header.indexOf(';');
    const mediaType = header.slice(0, semi).toLowerCase();
    if (!IMAGE_TYPES.includes(mediaType)) throw invalidRequest(`${where}: image type '${mediaType}' is not supported.`);
    return { type: 'image', source: { type: 'base64', media_type: mediaType as AnthropicImageMediaType, data: url.slice(comma + 1) } };
  }
  if (url.startsWith('https://') || url.startsWith('http://')) return { type: 'image', source: { type: 'url', url } };
  throw invalidRequest(`${where}: image_url must be a data: or http(s) URL.`);
}

function convertTool(t: OpenAITool, i: number): AnthropicTool {
  const f = isRecord(t) && t.type === 'function' && isRecord(t['function']) ? t['function'] : undefined;
  if (f === undefined || typeof f['name'] !== 'string') throw invalidRequest(`tools[${i}]: only function tools are supported for this model.`);
  const schema = isRecord(f['parameters']) ? f['parameters'] : { type: 'object', properties: {} };
  const out: AnthropicTool = { name: f['name'], input_schema: schema };
  if (typeof f['description'] === 'string') out.description = f['description'];
  if (typeof f['strict'] === 'boolean') out.strict = f['strict'];
  return out;
}

function convertToolChoice(tc: OpenAIToolChoice | undefined, noParallel: boolean): AnthropicToolChoice | undefined {
  const dp = noParallel ? { disable_parallel_tool_use: true } : {};
  if (tc === undefined) return noParallel ? { type: 'auto', ...dp } : undefined;
  if (tc === 'auto') return { type: 'auto', ...dp };
  if (tc === 'required') return { type: 'any', ...dp };
  if (tc === 'none') return { type: 'none' };
  if (isRecord(tc) && tc.type === 'function' && isRecord(tc['function']) && typeof tc['function']['name'] === 'string') {
    return { type: 'tool', name: tc['function']['name'], ...dp };
  }
  // allowed_tools narrows the tool set: approximating it would widen what the model may call.
  throw invalidRequest('tool_choice must be none, auto, required or a named function for this model.');
}
