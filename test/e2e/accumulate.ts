/** @module Test-side readers that reduce a JSON or SSE answer of either API shape to one comparable summary. */
import { parseSse } from './harness.js';

export type Summary = {
  text: string;
  toolCalls: { id: string; name: string; args: unknown }[];
  /** In OpenAI terms: stop, length, tool_calls (Anthropic reasons are mapped). */
  stop: string | null;
  usage: { input: number; output: number };
  /** Error frames seen in a stream. */
  errors: unknown[];
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function fromAnthropicStop(r: unknown): string | null {
  if (r === null || r === undefined) return null;
  return r === 'max_tokens' ? 'length' : r === 'tool_use' ? 'tool_calls' : r === 'end_turn' ? 'stop' : String(r);
}

export function summariseOpenaiJson(body: unknown): Summary {
  const b = obj(body);
  const choice = obj((b.choices as unknown[] | undefined)?.[0]);
  const msg = obj(choice.message);
  const u = obj(b.usage);
  return {
    text: typeof msg.content === 'string' ? msg.content : '',
    toolCalls: ((msg.tool_calls as unknown[] | undefined) ?? []).map((t) => {
      const f = obj(obj(t).function);
      return { id: String(obj(t).id), name: String(f.name), args: JSON.parse(String(f.arguments)) as unknown };
    }),
    stop: (choice.finish_reason as string | null | undefined) ?? null,
    usage: { input: num(u.prompt_tokens), output: num(u.completion_tokens) },
    errors: [],
  };
}

export function summariseAnthropicJson(body: unknown): Summary {
  const b = obj(body);
  const blocks = ((b.content as unknown[] | undefined) ?? []).map(obj);
  const u = obj(b.usage);
  return {
    text: blocks.filter((x) => x.type === 'text').map((x) => String(x.text)).join(''),
    toolCalls: blocks.filter((x) => x.type === 'tool_use').map((x) => ({ id: String(x.id), name: String(x.name), args: x.input })),
    stop: fromAnthropicStop(b.stop_reason),
    usage: { input: num(u.input_tokens), output: num(u.output_tokens) },
    errors: [],
  };
}

export function summariseOpenaiStream(text: string): Summary & { done: boolean } {
  const s: Summary & { done: boolean } = { text: '', toolCalls: [], stop: null, usage: { input: 0, output: 0 }, errors: [], done: false };
  const args: string[] = [];
  for (const ev of parseSse(text)) {
    if (ev.data === '[DONE]') {
      s.done = true;
      continue;
    }
    const j = obj(JSON.parse(ev.data));
    if (j.error) {
      s.errors.push(j);
      continue;
    }
    if (j.usage) s.usage = { input: num(obj(j.usage).prompt_tokens), output: num(obj(j.usage).completion_tokens) };
    for (const c of ((j.choices as unknown[] | undefined) ?? []).map(obj)) {
      const d = obj(c.delta);
      if (typeof d.content === 'string') s.text += d.content;
      for (const t of ((d.tool_calls as unknown[] | undefined) ?? []).map(obj)) {
        const i = num(t.index);
        const f = obj(t.function);
        s.toolCalls[i] ??= { id: '', name: '', args: undefined };
        const call = s.toolCalls[i];
        if (typeof t.id === 'string') call.id = t.id;
        if (typeof f.name === 'string') call.name += f.name;
        if (typeof f.arguments === 'string') args[i] = (args[i] ?? '') + f.arguments;
      }
      if (c.finish_reason) s.stop = String(c.finish_reason);
    }
  }
  s.toolCalls.forEach((t, i) => { t.args = JSON.parse(args[i] === undefined || args[i] === '' ? '{}' : args[i]) as unknown; });
  return s;
}

export function summariseAnthropicStream(text: string): Summary & { done: boolean } {
  const s: Summary & { done: boolean } = { text: '', toolCalls: [], stop: null, usage: { input: 0, output: 0 }, errors: [], done: false };
  const blocks = new Map<number, { type: string; id: string; name: string; json: string }>();
  for (const ev of parseSse(text)) {
    const j = obj(JSON.parse(ev.data));
    if (ev.event !== undefined && ev.event !== j.type) throw new Error(`event name ${ev.event} differs from data.type ${String(j.type)}`);
    switch (j.type) {
      case 'message_start': {
        const u = obj(obj(j.message).usage);
        s.usage.input = num(u.input_tokens);
        s.usage.output = num(u.output_tokens);
        break;
      }
      case 'content_block_start': {
        const cb = obj(j.content_block);
        blocks.set(num(j.index), { type: String(cb.type), id: String(cb.id ?? ''), name: String(cb.name ?? ''), json: '' });
        break;
      }
      case 'content_block_delta': {
        const d = obj(j.delta);
        const b = blocks.get(num(j.index));
        if (!b) throw new Error('delta for a block that was not started');
        if (d.type === 'text_delta') s.text += String(d.text);
        if (d.type === 'input_json_delta') b.json += String(d.partial_json);
        break;
      }
      case 'message_delta': {
        s.stop = fromAnthropicStop(obj(j.delta).stop_reason);
        const u = obj(j.usage);
        if (typeof u.output_tokens === 'number') s.usage.output = u.output_tokens;
        if (typeof u.input_tokens === 'number' && u.input_tokens > 0) s.usage.input = u.input_tokens;
        break;
      }
      case 'message_stop':
        s.done = true;
        break;
      case 'error':
        s.errors.push(j);
        break;
      default:
        break;
    }
  }
  for (const b of [...blocks.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1])) {
    if (b.type === 'tool_use') s.toolCalls.push({ id: b.id, name: b.name, args: JSON.parse(b.json === '' ? '{}' : b.json) as unknown });
  }
  return s;
}
