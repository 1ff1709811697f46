/** @module The official `openai` and `@anthropic-ai/sdk` clients, unchanged, pointed at Warden: JSON, streaming, tools, models, errors. */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicFrames, anthropicJson, openaiFrames, openaiJson, startStub, type AnswerSpec, type StubUpstream } from '../support/stub-upstream.js';
import { startWarden, twoProviderConfig, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;
let key: string;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl, '', { tight: true }));
  key = await warden.key();
  openai = new OpenAI({ apiKey: key, baseURL: `${warden.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: key, baseURL: warden.url, maxRetries: 0 });
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

const MODELS = ['gpt-test', 'claude-test', 'demo-echo'] as const;
const expected = (model: string, text: string): string => (model === 'demo-echo' ? `Echo: ${text}` : `stub says: ${text}`);

function toolAnswer(a: AnswerSpec): void {
  oai.script((req) => (req.body.stream === true ? { kind: 'sse', frames: openaiFrames(a) } : { kind: 'json', body: openaiJson(a) }));
  anth.script((req) => (req.body.stream === true ? { kind: 'sse', frames: anthropicFrames(a) } : { kind: 'json', body: anthropicJson(a) }));
}

describe('openai SDK', () => {
  it.each(MODELS)('creates a chat completion on %s', async (model) => {
    const r = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello sdk' }] });
    expect(r.choices[0]?.message.content).toBe(expected(model, 'hello sdk'));
    expect(r.choices[0]?.finish_reason).toBe('stop');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
  });

  it.each(MODELS)('streams a chat completion on %s with usage', async (model) => {
    const stream = await openai.chat.completions.create({
      model, messages: [{ role: 'user', content: 'stream please' }], stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(expected(model, 'stream please'));
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it.each(['gpt-test', 'claude-test'])('accumulates a streamed tool call from %s with the stream helper', async (model) => {
    toolAnswer({ toolCalls: [{ id: 'toolu_9', name: 'lookup', args: { q: 'warden', n: 3 } }] });
    const runner = openai.chat.completions.stream({
      model, messages: [{ role: 'user', content: 'look it up' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'number' } } } } }],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call && 'function' in call ? JSON.parse(call.function.arguments) : undefined).toEqual({ q: 'warden', n: 3 });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('lists the models of the key', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids.sort()).toEqual(['claude-test', 'claude-tight', 'demo-echo', 'gpt-test', 'gpt-tight']);
  });

  it('raises AuthenticationError with code invalid_api_key for a wrong key', async () => {
    const bad = new OpenAI({ apiKey: 'wdn_nope', baseURL: `${warden.url}/v1`, maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: 'demo-echo', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('raises an APIError for an upstream failure, with code upstream_error', async () => {
    oai.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'boom' } } }));
    const err = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_error');
  });
});

describe('@anthropic-ai/sdk', () => {
  it.each(MODELS)('creates a message on %s', async (model) => {
    const m = await anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hello sdk' }] });
    expect(m.content).toEqual([expect.objectContaining({ type: 'text', text: expected(model, 'hello sdk') })]);
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage.output_tokens).toBeGreaterThan(0);
  });

  it.each(MODELS)('streams a message on %s with the stream helper', async (model) => {
    const stream = anthropic.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    stream.on('text', (t) => { text += t; });
    const final = await stream.finalMessage();
    expect(text).toBe(expected(model, 'stream please'));
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: expected(model, 'stream please') })]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it.each(MODELS)('streams raw events on %s with create({stream:true})', async (model) => {
    const stream = await anthropic.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'raw' }], stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types[0]).toBe('message_start');
    expect(types[types.length - 1]).toBe('message_stop');
    expect(types).toContain('content_block_delta');
  });

  it.each(['gpt-test', 'claude-test'])('accumulates a streamed tool_use from %s', async (model) => {
    toolAnswer({ text: 'Let me check.', toolCalls: [{ id: 'toolu_9', name: 'lookup', args: { q: 'warden', n: 3 } }] });
    const stream = anthropic.messages.stream({
      model, max_tokens: 100, messages: [{ role: 'user', content: 'look it up' }],
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'number' } } } }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Let me check.' }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'warden', n: 3 } }),
    ]);
    expect(final.stop_reason).toBe('tool_use');
  });

  it('raises AuthenticationError for a wrong key, in the Anthropic error shape', async () => {
    const bad = new Anthropic({ apiKey: 'wdn_nope', baseURL: warden.url, maxRetries: 0 });
    const err = await bad.messages.create({ model: 'demo-echo', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('raises an APIError 504 when the upstream times out', async () => {
    anth.script(() => ({ kind: 'json', body: anthropicJson({ text: 'late' }), headersDelayMs: 3000 }));
    const err = await anthropic.messages.create({ model: 'claude-tight', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { code: 'upstream_timeout' } });
  });
});
