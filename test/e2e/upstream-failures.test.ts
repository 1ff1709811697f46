/** @module Upstream failures as the caller sees them: 5xx, slow headers, resets before and during a stream, refused connections, fallback, client disconnect. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  anthropicFrames, anthropicJson, openaiFrames, openaiJson, startStub, type StubUpstream,
} from '../support/stub-upstream.js';
import { summariseAnthropicStream, summariseOpenaiStream } from './accumulate.js';
import { assertNoStack, post, startWarden, twoProviderConfig, type Posted, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;
let key: string;
let deadPort: number;

/** A loopback port with nothing listening: connections to it are refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  deadPort = await closedPort();
  const extra = `
  - { id: gpt-dead, provider: dead, upstreamModel: stub-model }
  - { id: gpt-dead-fb, provider: dead, upstreamModel: stub-model, fallback: claude-test }
  - { id: gpt-flaky-fb, provider: local-tight, upstreamModel: stub-model, fallback: claude-test }
  - { id: gpt-short, provider: short, upstreamModel: stub-model }
`;
  const yaml = twoProviderConfig(oai.baseUrl, anth.baseUrl, extra, { tight: true }).replace(
    'models:',
    `  - { id: short, type: openai, baseUrl: "${oai.baseUrl}", timeouts: { totalMs: 600 } }\n` +
    `  - { id: dead, type: openai, baseUrl: "http://127.0.0.1:${deadPort}/v1", apiKey: "x", retries: 2, timeouts: { connectMs: 500, firstByteMs: 500, totalMs: 5000 } }\nmodels:`,
  );
  warden = await startWarden(yaml);
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
  vi.restoreAllMocks();
});

type Format = 'openai' | 'anthropic';
const FORMATS: Format[] = ['openai', 'anthropic'];
const path = (f: Format): string => (f === 'openai' ? '/v1/chat/completions' : '/v1/messages');
const body = (f: Format, model: string, stream = false): Record<string, unknown> =>
  f === 'openai'
    ? { model, stream, messages: [{ role: 'user', content: 'hi' }] }
    : { model, stream, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] };

function expectError(f: Format, r: Posted, status: number, code: string): void {
  assertNoStack(r.text);
  expect(r.status, r.text).toBe(status);
  const j = r.json() as Record<string, unknown>;
  if (f === 'openai') expect(j).toMatchObject({ error: { code, type: expect.any(String), message: expect.any(String) } });
  else expect(j).toMatchObject({ type: 'error', error: { code, type: expect.any(String), message: expect.any(String) } });
}

describe.each(FORMATS)('%s caller', (f) => {
  it.each([false, true])('maps an upstream 500 to 502 upstream_error, before any byte (stream: %s)', async (stream) => {
    oai.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'internal', type: 'server_error' } } }));
    expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-test', stream)), 502, 'upstream_error');
    // 500 may have done work upstream: not retried.
    expect(oai.received).toHaveLength(1);
  });

  it('retries an upstream 503 once and then succeeds', async () => {
    anth.script((_req, i) => (i === 0 ? { kind: 'json', status: 503, body: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } } : undefined));
    const r = await post(warden.url, path(f), key, body(f, 'claude-test'));
    expect(r.status, r.text).toBe(200);
    expect(anth.received).toHaveLength(2);
  });

  it('maps headers slower than firstByteMs to 504 upstream_timeout', async () => {
    anth.script(() => ({ kind: 'json', body: anthropicJson({ text: 'late' }), headersDelayMs: 3000 }));
    const t = performance.now();
    expectError(f, await post(warden.url, path(f), key, body(f, 'claude-tight', true)), 504, 'upstream_timeout');
    expect(performance.now() - t).toBeLessThan(2900);
  });

  it('maps an upstream reset before any byte to 502 upstream_error', async () => {
    oai.script(() => ({ kind: 'reset' }));
    expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-test')), 502, 'upstream_error');
  });

  it.each(['gpt-test', 'claude-test'])('ends the stream with an error event in the caller\'s format when %s resets mid-stream', async (model) => {
    const a = { text: 'one two three four five six seven eight nine ten' };
    oai.script(() => ({ kind: 'sse', frames: openaiFrames(a), resetAfter: 4 }));
    anth.script(() => ({ kind: 'sse', frames: anthropicFrames(a), resetAfter: 5 }));
    const r = await post(warden.url, path(f), key, body(f, model, true));
    assertNoStack(r.text);
    expect(r.status).toBe(200);
    const s = f === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.done).toBe(false);
    expect(s.errors).toHaveLength(1);
    if (f === 'openai') expect(s.errors[0]).toMatchObject({ error: { code: 'upstream_error' } });
    else expect(s.errors[0]).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
  });

  it.each(['gpt-test', 'claude-test'])('passes on an error event %s sends mid-stream as exactly one error event in the caller\'s format', async (model) => {
    const of = openaiFrames({ text: 'a b c d e' });
    const af = anthropicFrames({ text: 'a b c d e' });
    oai.script(() => ({ kind: 'sse', frames: [...of.slice(0, 3), 'data: {"error":{"message":"server had an error","type":"server_error"}}\n\n'] }));
    anth.script(() => ({ kind: 'sse', frames: [...af.slice(0, 4), 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'] }));
    const r = await post(warden.url, path(f), key, body(f, model, true));
    assertNoStack(r.text);
    expect(r.status).toBe(200);
    const s = f === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.done).toBe(false);
    expect(s.errors, r.text).toHaveLength(1);
    if (f === 'anthropic') expect(s.errors[0]).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    else expect(s.errors[0]).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('maps an upstream 429 (after its retry) to 429 rate_limited', async () => {
    oai.script(() => ({ kind: 'json', status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } }));
    expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-test')), 429, 'rate_limited');
    expect(oai.received).toHaveLength(2);
  });

  it('maps an upstream 400 to 400 invalid_request and keeps the provider\'s message', async () => {
    anth.script(() => ({ kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'temperature: too hot' } } }));
    const r = await post(warden.url, path(f), key, body(f, 'claude-test'));
    expectError(f, r, 400, 'invalid_request');
    expect(r.text).toContain('temperature: too hot');
    expect(anth.received).toHaveLength(1);
  });

  it('keeps a non-ASCII provider error message intact even when it arrives in byte slices', async () => {
    oai.script(() => ({ kind: 'json', status: 400, body: { error: { message: 'Ungültige Anfrage: 温度が高すぎます 🔥', type: 'invalid_request_error' } }, chunkBytes: 3 }));
    const r = await post(warden.url, path(f), key, body(f, 'gpt-test'));
    expectError(f, r, 400, 'invalid_request');
    expect(r.text).toContain('Ungültige Anfrage: 温度が高すぎます 🔥');
  });

  it('serves the fallback model when the upstream times out before its headers', async () => {
    oai.script(() => ({ kind: 'hang' }));
    const r = await post(warden.url, path(f), key, body(f, 'gpt-flaky-fb'));
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('x-warden-fallback')).toMatch(/from=gpt-flaky-fb/);
    expect(anth.received).toHaveLength(1);
  });

  it('ends a stream whose upstream goes silent past firstByteMs with an upstream_timeout error event', async () => {
    oai.script(() => ({ kind: 'sse', frames: openaiFrames({ text: 'a b c d' }), hangAfter: 3 }));
    const r = await post(warden.url, path(f), key, body(f, 'gpt-tight', true));
    const s = f === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.done).toBe(false);
    expect(s.errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'upstream_timeout' }) })]);
  });

  it('ends a stream that outlives the provider\'s totalMs with an upstream_timeout error event', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    oai.script(() => ({ kind: 'sse', frames: openaiFrames({ text }), frameDelayMs: 50 }));
    const r = await post(warden.url, path(f), key, body(f, 'gpt-short', true));
    const s = f === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.done).toBe(false);
    expect(s.errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'upstream_timeout' }) })]);
    await oai.waitForClientAbort(1, 2000);
  });

  it('maps a JSON body that stalls past firstByteMs to 504 upstream_timeout', async () => {
    oai.script(() => ({ kind: 'json', body: openaiJson({ text: 'slow body' }), stallBodyMs: 3000 }));
    expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-tight')), 504, 'upstream_timeout');
  });

  it('retries a refused connection, then answers 502 upstream_error', async () => {
    const send = vi.spyOn(warden.app.runtime.upstream, 'send');
    expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-dead')), 502, 'upstream_error');
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('serves the configured fallback model when the upstream is unreachable, and says so in x-warden-fallback', async () => {
    const r = await post(warden.url, path(f), key, body(f, 'gpt-dead-fb', true));
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('x-warden-fallback')).toMatch(/from=gpt-dead-fb/);
    expect(r.headers.get('x-warden-model')).toBe('claude-test');
    const s = f === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text);
    expect(s.text).toBe('stub says: hi');
    expect(anth.received).toHaveLength(1);
  });

  it('serves the fallback model when the upstream answers 500 before any byte', async () => {
    oai.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'down' } } }));
    const r = await post(warden.url, path(f), key, body(f, 'gpt-flaky-fb'));
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('x-warden-fallback')).toMatch(/from=gpt-flaky-fb/);
    expect(oai.received).toHaveLength(1);
    expect(anth.received).toHaveLength(1);
  });

  it('does not use the fallback when the key may not use the fallback model', async () => {
    const limited = await warden.key({ models: ['gpt-dead-fb'] });
    expectError(f, await post(warden.url, path(f), limited, body(f, 'gpt-dead-fb')), 502, 'upstream_error');
    expect(anth.received).toHaveLength(0);
  });
});

describe('client disconnect', () => {
  async function readFirstChunkThenAbort(f: Format, model: string): Promise<void> {
    const ac = new AbortController();
    const res = await fetch(warden.url + path(f), {
      method: 'POST', signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body(f, model, true)),
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    ac.abort();
  }

  it.each([
    ['openai', 'gpt-test'], ['openai', 'claude-test'], ['anthropic', 'gpt-test'], ['anthropic', 'claude-test'],
  ] as const)('aborts the upstream call when a %s client leaves a %s stream', async (f, model) => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    oai.script(() => ({ kind: 'sse', frames: openaiFrames({ text: words }), frameDelayMs: 20 }));
    anth.script(() => ({ kind: 'sse', frames: anthropicFrames({ text: words }), frameDelayMs: 20 }));
    await readFirstChunkThenAbort(f, model);
    const stub = model === 'gpt-test' ? oai : anth;
    await stub.waitForClientAbort(1, 2000);
  });

  it('aborts the upstream call when a JSON client leaves while the upstream is still thinking', async () => {
    oai.script(() => ({ kind: 'hang' }));
    const ac = new AbortController();
    const pending = fetch(`${warden.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body('openai', 'gpt-test')),
    }).catch(() => undefined);
    const deadline = Date.now() + 2000;
    while (oai.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await pending;
    await oai.waitForClientAbort(1, 2000);
  });

  it('keeps serving after clients left', async () => {
    const r = await post(warden.url, '/v1/chat/completions', key, body('openai', 'gpt-test'));
    expect(r.status).toBe(200);
    expect(JSON.stringify(openaiJson({ text: 'stub says: hi' }))).toContain('stub says: hi');
  });
});
