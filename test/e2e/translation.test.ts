/** @module Both client shapes against both upstream shapes, JSON and SSE: text, tool definitions and calls, tool results, usage, stop reasons. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  anthropicFrames, anthropicJson, openaiFrames, openaiJson, startStub, type AnswerSpec, type StubUpstream,
} from '../support/stub-upstream.js';
import { summariseAnthropicJson, summariseAnthropicStream, summariseOpenaiJson, summariseOpenaiStream, type Summary } from './accumulate.js';
import { assertNoStack, post, startWarden, twoProviderConfig, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;
let key: string;

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl));
  key = await warden.key();
});
afterAll(async () => {
  await warden?.close();
  await oai?.close();
  await anth?.close();
});
beforeEach(() => {
  oai.reset();
  anth.reset();
});

type Client = 'openai' | 'anthropic';
type Upstream = 'openai' | 'anthropic';
type Mode = 'json' | 'sse';

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** Makes the upstream of `kind` answer with `a`, as JSON or SSE depending on the request's `stream` flag. */
function answerWith(kind: Upstream, a: AnswerSpec): void {
  const stub = kind === 'openai' ? oai : anth;
  stub.script((req) => {
    const stream = req.body.stream === true;
    if (kind === 'openai') return stream ? { kind: 'sse', frames: openaiFrames(a) } : { kind: 'json', body: openaiJson(a) };
    return stream ? { kind: 'sse', frames: anthropicFrames(a) } : { kind: 'json', body: anthropicJson(a) };
  });
}

function clientRequest(client: Client, model: string, mode: Mode, turn: 'first' | 'tool-result'): Record<string, unknown> {
  const stream = mode === 'sse';
  if (client === 'openai') {
    const messages: unknown[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ];
    if (turn === 'tool-result') {
      messages.push(
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01', content: '18 C and sunny' },
      );
    }
    return {
      model, messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}),
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER_SCHEMA } }],
    };
  }
  const messages: unknown[] = [{ role: 'user', content: 'Weather in Paris?' }];
  if (turn === 'tool-result') {
    messages.push(
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '18 C and sunny' }] },
    );
  }
  return {
    model, max_tokens: 256, system: 'Be brief.', messages, stream,
    tools: [{ name: 'get_weather', description: 'Current weather', input_schema: WEATHER_SCHEMA }],
  };
}

async function call(client: Client, upstream: Upstream, mode: Mode, turn: 'first' | 'tool-result' = 'first'): Promise<Summary & { status: number }> {
  const model = upstream === 'openai' ? 'gpt-test' : 'claude-test';
  const path = client === 'openai' ? '/v1/chat/completions' : '/v1/messages';
  const r = await post(warden.url, path, key, clientRequest(client, model, mode, turn));
  assertNoStack(r.text);
  expect(r.status, r.text).toBe(200);
  if (mode === 'sse') {
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const s = client === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.done, 'stream ends with its terminal event').toBe(true);
    expect(s.errors).toEqual([]);
    return { ...s, status: r.status };
  }
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const s = client === 'openai' ? summariseOpenaiJson(r.json()) : summariseAnthropicJson(r.json());
  return { ...s, status: r.status };
}

/** Checks what the upstream received: its own shape, the configured upstream model and credentials, the tools and system prompt. */
function checkUpstreamRequest(upstream: Upstream, mode: Mode): Record<string, unknown> {
  const stub = upstream === 'openai' ? oai : anth;
  expect(stub.received).toHaveLength(1);
  const got = stub.received[0];
  if (!got) throw new Error('unreachable');
  const b = got.body;
  if (upstream === 'openai') {
    expect(got.path).toBe('/v1/chat/completions');
    expect(got.headers.authorization).toBe('Bearer sk-stub-openai');
    expect(b.model).toBe('stub-model');
    expect(b.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'get_weather', parameters: WEATHER_SCHEMA }) }]);
    const msgs = b.messages as { role: string; content: unknown }[];
    expect(msgs[0]?.role).toBe('system');
    expect(JSON.stringify(msgs[0]?.content)).toContain('Be brief.');
    if (mode === 'sse') expect(b.stream_options).toMatchObject({ include_usage: true });
  } else {
    expect(got.path).toBe('/v1/messages');
    expect(got.headers['x-api-key']).toBe('sk-stub-anthropic');
    expect(got.headers['anthropic-version']).toBeTruthy();
    expect(b.model).toBe('stub-claude');
    expect(typeof b.max_tokens).toBe('number');
    expect(b.tools).toEqual([expect.objectContaining({ name: 'get_weather', input_schema: WEATHER_SCHEMA })]);
    expect(JSON.stringify(b.system)).toContain('Be brief.');
  }
  expect(b.stream === true).toBe(mode === 'sse');
  return b;
}

const CASES: [Client, Upstream, Mode][] = [];
for (const c of ['openai', 'anthropic'] as const) for (const u of ['openai', 'anthropic'] as const) for (const m of ['json', 'sse'] as const) CASES.push([c, u, m]);

describe.each(CASES)('%s client -> %s upstream (%s)', (client, upstream, mode) => {
  it('returns the text, the usage and a length stop reason in the caller\'s shape', async () => {
    answerWith(upstream, { text: 'Sunny, about 18 degrees.', stop: 'length', usage: { input: 21, output: 9 } });
    const s = await call(client, upstream, mode);
    expect(s.text).toBe('Sunny, about 18 degrees.');
    expect(s.stop).toBe('length');
    expect(s.usage).toEqual({ input: 21, output: 9 });
    expect(s.toolCalls).toEqual([]);
    checkUpstreamRequest(upstream, mode);
  });

  it('passes tool definitions up and the model\'s tool call back with its id, name and arguments', async () => {
    answerWith(upstream, { toolCalls: [{ id: 'toolu_01', name: 'get_weather', args: { city: 'Paris' } }], usage: { input: 30, output: 12 } });
    const s = await call(client, upstream, mode);
    expect(s.toolCalls).toEqual([{ id: 'toolu_01', name: 'get_weather', args: { city: 'Paris' } }]);
    expect(s.stop).toBe('tool_calls');
    expect(s.usage).toEqual({ input: 30, output: 12 });
    checkUpstreamRequest(upstream, mode);
  });

  it('carries the tool result of the next turn to the upstream, paired with its call', async () => {
    answerWith(upstream, { text: 'It is 18 C and sunny in Paris.' });
    const s = await call(client, upstream, mode, 'tool-result');
    expect(s.text).toBe('It is 18 C and sunny in Paris.');
    expect(s.stop).toBe('stop');
    const b = checkUpstreamRequest(upstream, mode);
    const msgs = b.messages as Record<string, unknown>[];
    if (upstream === 'openai') {
      const assistant = msgs.find((m) => m.role === 'assistant');
      expect(assistant?.tool_calls).toEqual([expect.objectContaining({ id: 'toolu_01', type: 'function', function: expect.objectContaining({ name: 'get_weather' }) })]);
      const fnArgs = (assistant?.tool_calls as { function: { arguments: string } }[])[0]?.function.arguments ?? '';
      expect(JSON.parse(fnArgs)).toEqual({ city: 'Paris' });
      const tool = msgs.find((m) => m.role === 'tool');
      expect(tool).toMatchObject({ tool_call_id: 'toolu_01' });
      expect(JSON.stringify(tool?.content)).toContain('18 C and sunny');
    } else {
      const assistant = msgs.find((m) => m.role === 'assistant');
      expect(assistant?.content).toEqual([expect.objectContaining({ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } })]);
      const last = msgs[msgs.length - 1];
      expect(last?.role).toBe('user');
      const result = (last?.content as Record<string, unknown>[])[0];
      expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01' });
      expect(JSON.stringify(result?.content)).toContain('18 C and sunny');
    }
  });

  it('keeps multi-byte characters whole when the upstream answer arrives in byte slices that split them', async () => {
    const text = 'Grüße aus Zürich – 東京 🌍🚀 ok';
    const a: AnswerSpec = { text, toolCalls: [{ id: 'toolu_02', name: 'get_weather', args: { city: 'Zürich 東京 🌍' } }] };
    const stub = upstream === 'openai' ? oai : anth;
    stub.script((req) => {
      const stream = req.body.stream === true;
      if (upstream === 'openai') return stream ? { kind: 'sse', frames: openaiFrames(a), chunkBytes: 5 } : { kind: 'json', body: openaiJson(a), chunkBytes: 5 };
      return stream ? { kind: 'sse', frames: anthropicFrames(a), chunkBytes: 5 } : { kind: 'json', body: anthropicJson(a), chunkBytes: 5 };
    });
    const s = await call(client, upstream, mode);
    expect(s.text).toBe(text);
    expect(s.toolCalls).toEqual([{ id: 'toolu_02', name: 'get_weather', args: { city: 'Zürich 東京 🌍' } }]);
  });
});

describe.each(CASES.filter(([, , m]) => m === 'sse').map(([c, u]) => [c, u] as const))('%s client -> %s upstream stream framing', (client, upstream) => {
  it('reads CRLF line endings, comments and retry fields from the upstream, split at any byte', async () => {
    const a: AnswerSpec = { text: 'one two three', toolCalls: [{ id: 'toolu_03', name: 'get_weather', args: { city: 'Oslo' } }] };
    const crlf = (frames: string[]): string[] => [': keep-alive\r\n\r\n', 'retry: 1000\r\n\r\n', ...frames.map((f) => f.replace(/\n/g, '\r\n'))];
    const stub = upstream === 'openai' ? oai : anth;
    stub.script(() => ({ kind: 'sse', frames: crlf(upstream === 'openai' ? openaiFrames(a) : anthropicFrames(a)), chunkBytes: 7 }));
    const s = await call(client, upstream, 'sse');
    expect(s.text).toBe('one two three');
    expect(s.toolCalls).toEqual([{ id: 'toolu_03', name: 'get_weather', args: { city: 'Oslo' } }]);
    expect(s.stop).toBe('tool_calls');
  });
});

describe('the built-in demo-echo model', () => {
  it.each(CASES.filter(([, u]) => u === 'openai').map(([c, , m]) => [c, m] as const))('answers a %s client (%s) without any upstream', async (client, mode) => {
    const path = client === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    const body = client === 'openai'
      ? { model: 'demo-echo', messages: [{ role: 'user', content: 'hello there' }], stream: mode === 'sse' }
      : { model: 'demo-echo', max_tokens: 64, messages: [{ role: 'user', content: 'hello there' }], stream: mode === 'sse' };
    const r = await post(warden.url, path, key, body);
    expect(r.status, r.text).toBe(200);
    const s = mode === 'sse'
      ? (client === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text))
      : (client === 'openai' ? summariseOpenaiJson(r.json()) : summariseAnthropicJson(r.json()));
    expect(s.text).toBe('Echo: hello there');
    expect(s.stop).toBe('stop');
    expect(oai.received).toHaveLength(0);
    expect(anth.received).toHaveLength(0);
  });
});
