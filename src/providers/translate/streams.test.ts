import { describe, expect, it } from 'vitest';
import { createSseParser, serializeSse } from '../sse/parser.js';
import type { SseEvent } from '../sse/parser.js';
import { createAnthropicToOpenaiStream } from './anthropic-to-openai-stream.js';
import { createOpenaiToAnthropicStream } from './openai-to-anthropic-stream.js';
import type { AnthropicStreamEvent } from '../wire/anthropic.js';
import type { OpenAIChunk } from '../wire/openai.js';
import type { StreamTranslator } from './stream-types.js';

// ---- realistic upstream streams ------------------------------------------------------------

const a = (type: string, body: Record<string, unknown>): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });
const textDelta = (index: number, text: string) => a('content_block_delta', { index, delta: { type: 'text_delta', text } });
const jsonDelta = (index: number, partial_json: string) => a('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });

const ANTHROPIC_EVENTS: SseEvent[] = [
  a('message_start', {
    message: {
      id: 'msg_01ABC', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5',
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 25, cache_read_input_tokens: 10, cache_creation_input_tokens: 0, output_tokens: 1 },
    },
  }),
  a('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  { event: 'ping', data: '{"type": "ping"}' },
  textDelta(0, 'Let me '),
  textDelta(0, 'check the wéather 🌤.'),
  a('content_block_stop', { index: 0 }),
  a('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } }),
  jsonDelta(1, ''),
  jsonDelta(1, '{"city": '),
  jsonDelta(1, '"Paris"}'),
  a('content_block_stop', { index: 1 }),
  a('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} } }),
  jsonDelta(2, '{"tz":"Eu'),
  jsonDelta(2, 'rope/Paris"}'),
  a('content_block_stop', { index: 2 }),
  a('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }),
  a('message_stop', {}),
];

const o = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
  data: JSON.stringify({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o', choices, ...extra }),
});
const od = (delta: Record<string, unknown>, finish: string | null = null) => o([{ index: 0, delta, logprobs: null, finish_reason: finish }], { usage: null });

const OPENAI_EVENTS: SseEvent[] = [
  od({ role: 'assistant', content: '', refusal: null }),
  od({ content: 'Let me' }),
  od({ content: ' check the wéather 🌤.' }),
  od({ tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
  od({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
  od({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Paris"}' } }] }),
  od({ tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '{"tz":' } }] }),
  od({ tool_calls: [{ index: 1, function: { arguments: '"Europe/Paris"}' } }] }),
  od({}, 'tool_calls'),
  o([], { usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 30 } } }),
  { data: '[DONE]' },
];

const EXPECTED_TEXT = 'Let me check the wéather 🌤.';
const EXPECTED_TOOLS = [
  { name: 'get_weather', input: { city: 'Paris' } },
  { name: 'get_time', input: { tz: 'Europe/Paris' } },
];

// ---- helpers ---------------------------------------------------------------------------------

const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

/** Serialises upstream events (CRLF or LF), splits the text anywhere, parses it back and runs the translator. */
const run = (t: StreamTranslator, events: SseEvent[], seed: number, eol = '\n'): string[] => {
  let text = events.map(serializeSse).join('');
  if (eol !== '\n') text = text.split('\n').join(eol);
  const parser = createSseParser();
  const rand = rng(seed);
  const frames: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rand() * 40);
    for (const ev of parser.push(text.slice(i, i + n))) frames.push(...t.push(ev));
    i += n;
  }
  for (const ev of parser.end()) frames.push(...t.push(ev));
  frames.push(...t.end());
  return frames;
};

const clientEvents = (frames: string[]): SseEvent[] => {
  const p = createSseParser();
  const evs = frames.flatMap((f) => {
    expect(f.endsWith('\n\n')).toBe(true);
    return p.push(f);
  });
  expect(frames.length).toBe(evs.length); // one frame, one event
  return evs;
};

type OpenAIView = { text: string; tools: { id: string; name: string; args: string }[]; finish: string[]; usage: unknown; done: boolean; error: unknown };

/** Checks each frame is a valid OpenAI chunk in a valid order, and accumulates it. */
const readOpenai = (frames: string[]): OpenAIView => {
  const v: OpenAIView = { text: '', tools: [], finish: [], usage: undefined, done: false, error: undefined };
  clientEvents(frames).forEach((ev, i) => {
    expect(v.done).toBe(false);
    expect(ev.event).toBeUndefined();
    if (ev.data === '[DONE]') return void (v.done = true);
    const c = JSON.parse(ev.data) as OpenAIChunk & { error?: unknown };
    if (c.error !== undefined) return void (v.error = c.error);
    expect(c).toMatchObject({ object: 'chat.completion.chunk', id: 'chatcmpl-gw', model: 'alias', created: 1234 });
    if (c.choices.length === 0) return void (v.usage = c.usage);
    expect(v.usage).toBeUndefined();
    const ch = c.choices[0]!;
    if (i === 0) expect(ch.delta.role).toBe('assistant');
    if (typeof ch.delta.content === 'string') v.text += ch.delta.content;
    for (const tc of ch.delta.tool_calls ?? []) {
      const known = v.tools[tc.index];
      if (known === undefined) {
        expect(tc.index).toBe(v.tools.length);
        expect(tc).toMatchObject({ id: expect.any(String), type: 'function', function: { name: expect.any(String) } });
        v.tools[tc.index] = { id: tc.id ?? '', name: tc.function?.name ?? '', args: tc.function?.arguments ?? '' };
      } else known.args += tc.function?.arguments ?? '';
    }
    if (ch.finish_reason !== null) v.finish.push(ch.finish_reason);
  });
  return v;
};

type AnthropicView = { text: string; tools: { id: string; name: string; args: string }[]; stop: unknown; usage: Record<string, unknown>; events: string[]; error: unknown };

/** Checks each frame is a valid Anthropic event in protocol order, and accumulates it. */
const readAnthropic = (frames: string[]): AnthropicView => {
  const v: AnthropicView = { text: '', tools: [], stop: undefined, usage: {}, events: [], error: undefined };
  const blocks: { type: string; open: boolean; tool?: number }[] = [];
  clientEvents(frames).forEach((ev) => {
    const d = JSON.parse(ev.data) as AnthropicStreamEvent;
    expect(ev.event).toBe(d.type);
    expect(v.events.at(-1)).not.toBe('message_stop');
    v.events.push(d.type);
    if (v.events.length === 1 && d.type !== 'error') expect(d.type).toBe('message_start');
    switch (d.type) {
      case 'message_start':
        expect(d.message).toMatchObject({ id: 'msg_gw', type: 'message', role: 'assistant', model: 'alias', content: [] });
        v.usage = { ...d.message.usage };
        break;
      case 'content_block_start': {
        expect(d.index).toBe(blocks.length);
        expect(blocks.every((b) => !b.open)).toBe(true);
        const cb = d.content_block;
        if (cb.type === 'tool_use') {
          v.tools.push({ id: cb.id, name: cb.name, args: '' });
          blocks.push({ type: 'tool_use', open: true, tool: v.tools.length - 1 });
        } else blocks.push({ type: cb.type, open: true });
        break;
      }
      case 'content_block_delta': {
        const b = blocks[d.index]!;
        expect(b.open).toBe(true);
        if (d.delta.type === 'text_delta') v.text += d.delta.text;
        else if (d.delta.type === 'input_json_delta') v.tools[b.tool!]!.args += d.delta.partial_json;
        break;
      }
      case 'content_block_stop':
        expect(blocks[d.index]!.open).toBe(true);
        blocks[d.index]!.open = false;
        break;
      case 'message_delta':
        expect(blocks.every((b) => !b.open)).toBe(true);
        v.stop = d.delta.stop_reason;
        Object.assign(v.usage, d.usage);
        break;
      case 'error':
        v.error = d.error;
        break;
      default:
        expect(d.type).toBe('message_stop');
    }
  });
  return v;
};

// ---- tests -----------------------------------------------------------------------------------

describe('createAnthropicToOpenaiStream', () => {
  const make = (includeUsage = true) => createAnthropicToOpenaiStream({ model: 'alias', id: 'chatcmpl-gw', created: 1234, includeUsage });

  it('carries text, tool calls, finish reason and usage whatever the byte boundaries', () => {
    const first = run(make(), ANTHROPIC_EVENTS, 1);
    for (let seed = 1; seed <= 60; seed++) {
      const t = make();
      const frames = run(t, ANTHROPIC_EVENTS, seed, seed % 2 === 0 ? '\r\n' : '\n');
      expect(frames).toEqual(first);
      const v = readOpenai(frames);
      expect(v.text).toBe(EXPECTED_TEXT);
      expect(v.tools.map((x) => ({ name: x.name, input: JSON.parse(x.args) }))).toEqual(EXPECTED_TOOLS);
      expect(v.tools.map((x) => x.id)).toEqual(['toolu_01', 'toolu_02']);
      expect(v.finish).toEqual(['tool_calls']);
      expect(v.usage).toEqual({ prompt_tokens: 35, completion_tokens: 89, total_tokens: 124, prompt_tokens_details: { cached_tokens: 10 } });
      expect(v.done).toBe(true);
      expect(t.usage()).toEqual({ inputTokens: 35, outputTokens: 89, cachedInputTokens: 10 });
    }
  });

  it('omits the usage chunk unless asked', () => {
    const v = readOpenai(run(make(false), ANTHROPIC_EVENTS, 3));
    expect(v.usage).toBeUndefined();
    expect(v.done).toBe(true);
  });

  it('maps max_tokens to finish_reason length', () => {
    const events = [...ANTHROPIC_EVENTS.slice(0, 6), a('message_delta', { delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 5 } }), a('message_stop', {})];
    expect(readOpenai(run(make(), events, 4)).finish).toEqual(['length']);
  });

  it('turns an upstream error event into an OpenAI error frame and stops', () => {
    const t = make();
    const events = [...ANTHROPIC_EVENTS.slice(0, 5), a('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }), ...ANTHROPIC_EVENTS.slice(5)];
    const v = readOpenai(run(t, events, 5));
    expect(v.text).toBe(EXPECTED_TEXT);
    expect(v.error).toEqual({ message: 'Overloaded', type: 'server_error', code: 'upstream_error' });
    expect(v.done).toBe(false);
    expect(t.push(ANTHROPIC_EVENTS[0]!)).toEqual([]);
  });

  it('closes the stream when upstream ends after message_delta without message_stop', () => {
    const v = readOpenai(run(make(), ANTHROPIC_EVENTS.slice(0, -1), 6));
    expect(v.finish).toEqual(['tool_calls']);
    expect(v.done).toBe(true);
  });

  it('reports an error when upstream ends mid-message', () => {
    const v = readOpenai(run(make(), ANTHROPIC_EVENTS.slice(0, 9), 7));
    expect(v.error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
    expect(v.done).toBe(false);
  });

  it('reports an error for a non-JSON upstream event', () => {
    expect(readOpenai(make().push({ event: 'message_start', data: '{oops' })).error).toMatchObject({ code: 'upstream_error' });
  });
});

describe('createOpenaiToAnthropicStream', () => {
  const make = () => createOpenaiToAnthropicStream({ model: 'alias', id: 'msg_gw' });

  it('carries text, tool calls, stop reason and usage whatever the byte boundaries', () => {
    const first = run(make(), OPENAI_EVENTS, 1);
    for (let seed = 1; seed <= 60; seed++) {
      const t = make();
      const frames = run(t, OPENAI_EVENTS, seed, seed % 2 === 0 ? '\r\n' : '\n');
      expect(frames).toEqual(first);
      const v = readAnthropic(frames);
      expect(v.text).toBe(EXPECTED_TEXT);
      expect(v.tools.map((x) => ({ name: x.name, input: JSON.parse(x.args) }))).toEqual(EXPECTED_TOOLS);
      expect(v.tools.map((x) => x.id)).toEqual(['call_A', 'call_B']);
      expect(v.stop).toBe('tool_use');
      expect(v.usage).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 20 });
      expect(v.events.at(-1)).toBe('message_stop');
      expect(t.usage()).toEqual({ inputTokens: 50, outputTokens: 20, cachedInputTokens: 30 });
    }
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
  ])('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    const events = [od({ role: 'assistant', content: 'Hi' }), od({}, finish), { data: '[DONE]' }];
    expect(readAnthropic(run(make(), events, 2)).stop).toBe(stop);
  });

  it('streams a refusal as text with stop_reason refusal', () => {
    const events = [od({ role: 'assistant', refusal: 'I cannot ' }), od({ refusal: 'help.' }), od({}, 'stop'), { data: '[DONE]' }];
    const v = readAnthropic(run(make(), events, 3));
    expect(v.text).toBe('I cannot help.');
    expect(v.stop).toBe('refusal');
  });

  it('turns an upstream error frame into an Anthropic error event and stops', () => {
    const t = make();
    const events = [...OPENAI_EVENTS.slice(0, 3), { data: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }) }];
    const v = readAnthropic(run(t, events, 4));
    expect(v.text).toBe(EXPECTED_TEXT);
    expect(v.error).toEqual({ type: 'rate_limit_error', message: 'Rate limit reached' });
    expect(v.events.at(-1)).toBe('error');
    expect(t.push(OPENAI_EVENTS[0]!)).toEqual([]);
  });

  it('closes the message when upstream ends after finish_reason without [DONE]', () => {
    const v = readAnthropic(run(make(), OPENAI_EVENTS.slice(0, -1), 5));
    expect(v.stop).toBe('tool_use');
    expect(v.events.at(-1)).toBe('message_stop');
  });

  it('reports an error when upstream ends mid-message', () => {
    const v = readAnthropic(run(make(), OPENAI_EVENTS.slice(0, 5), 6));
    expect(v.events.at(-1)).toBe('error');
    expect(v.error).toMatchObject({ type: 'api_error' });
  });
});
