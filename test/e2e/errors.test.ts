/** @module Refusals in the caller's API shape with the documented status and wire code: keys, model access, restrictions, rate limits, bad bodies. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiFrames, startStub, type StubUpstream } from '../support/stub-upstream.js';
import { summariseAnthropicStream, summariseOpenaiStream } from './accumulate.js';
import { assertNoStack, post, startWarden, twoProviderConfig, type Posted, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;
let key: string;

const BODY_LIMIT = 8192;

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl, `server: { bodyLimitBytes: ${BODY_LIMIT} }\n`));
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

type Format = 'openai' | 'anthropic';
const FORMATS: Format[] = ['openai', 'anthropic'];
const path = (f: Format): string => (f === 'openai' ? '/v1/chat/completions' : '/v1/messages');
const body = (f: Format, model: string, text = 'hi'): Record<string, unknown> =>
  f === 'openai' ? { model, messages: [{ role: 'user', content: text }] } : { model, max_tokens: 32, messages: [{ role: 'user', content: text }] };

/** Checks status, wire code and the caller's error shape; returns the message. */
function expectError(f: Format, r: Posted, status: number, code: string): string {
  assertNoStack(r.text);
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const j = r.json() as Record<string, unknown>;
  if (f === 'openai') {
    expect(j).toEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String), code }) });
    return (j.error as { message: string }).message;
  }
  expect(j).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String), code } });
  return (j.error as { message: string }).message;
}

describe.each(FORMATS)('%s caller', (f) => {
  it('refuses a missing key with 401 invalid_api_key', async () => {
    expectError(f, await post(warden.url, path(f), undefined, body(f, 'gpt-test')), 401, 'invalid_api_key');
  });

  it('refuses an unknown key with 401 invalid_api_key, by Bearer or x-api-key', async () => {
    expectError(f, await post(warden.url, path(f), 'wdn_notakey', body(f, 'gpt-test')), 401, 'invalid_api_key');
    expectError(f, await post(warden.url, path(f), undefined, body(f, 'gpt-test'), { 'x-api-key': 'wdn_notakey' }), 401, 'invalid_api_key');
  });

  it('refuses a revoked key with 401 invalid_api_key', async () => {
    const created = await warden.app.control.createKey({ tenant: 'acme' }, 'e2e');
    expect((await post(warden.url, path(f), created.key, body(f, 'gpt-test'))).status).toBe(200);
    await warden.app.control.revokeKey(created.id, 'e2e');
    expectError(f, await post(warden.url, path(f), created.key, body(f, 'gpt-test')), 401, 'invalid_api_key');
  });

  it('refuses a model outside the key\'s list with 403 model_not_allowed, and never calls the upstream', async () => {
    const limited = await warden.key({ models: ['gpt-test'] });
    expect((await post(warden.url, path(f), limited, body(f, 'gpt-test'))).status).toBe(200);
    expectError(f, await post(warden.url, path(f), limited, body(f, 'claude-test')), 403, 'model_not_allowed');
    expect(anth.received).toHaveLength(0);
  });

  it('refuses an unknown model with 403 model_not_allowed', async () => {
    expectError(f, await post(warden.url, path(f), key, body(f, 'no-such-model')), 403, 'model_not_allowed');
  });

  it('refuses a restricted model with 403 model_restricted naming reason and restriction, then serves it once lifted', async () => {
    const r = await warden.app.control.restrict({ model: 'gpt-test', reason: 'incident 42: prompt leak' }, 'e2e');
    try {
      const msg = expectError(f, await post(warden.url, path(f), key, body(f, 'gpt-test')), 403, 'model_restricted');
      expect(msg).toContain('incident 42: prompt leak');
      expect(msg).toContain(r.id);
      expect(oai.received).toHaveLength(0);
      // Other models stay available.
      expect((await post(warden.url, path(f), key, body(f, 'claude-test'))).status).toBe(200);
    } finally {
      await warden.app.control.lift(r.id, 'fixed', 'e2e');
    }
    expect((await post(warden.url, path(f), key, body(f, 'gpt-test'))).status).toBe(200);
  });

  it('serves the restriction\'s fallback model and says so in x-warden-fallback', async () => {
    const r = await warden.app.control.restrict({ model: 'gpt-test', reason: 'move to claude', fallback: 'claude-test' }, 'e2e');
    try {
      const res = await post(warden.url, path(f), key, body(f, 'gpt-test'));
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-warden-fallback')).toBe(`from=gpt-test; restriction=${r.id}`);
      expect(oai.received).toHaveLength(0);
      expect(anth.received).toHaveLength(1);
    } finally {
      await warden.app.control.lift(r.id, 'done', 'e2e');
    }
  });

  it('ends an open stream with a model_restricted error event when a terminate-in-flight restriction arrives', async () => {
    const words = Array.from({ length: 150 }, (_, i) => `w${i}`).join(' ');
    oai.script(() => ({ kind: 'sse', frames: openaiFrames({ text: words }), frameDelayMs: 15 }));
    const pending = post(warden.url, path(f), key, { ...body(f, 'gpt-test'), stream: true });
    const deadline = Date.now() + 3000;
    while (oai.received.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    await new Promise((res) => setTimeout(res, 100));
    const r = await warden.app.control.restrict({ model: 'gpt-test', reason: 'stop now', terminateInFlight: true }, 'e2e');
    try {
      const res = await pending;
      assertNoStack(res.text);
      expect(res.status).toBe(200);
      const s = f === 'openai' ? summariseOpenaiStream(res.text) : summariseAnthropicStream(res.text);
      expect(s.done).toBe(false);
      expect(s.text.length).toBeGreaterThan(0);
      expect(s.errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'model_restricted' }) })]);
      await oai.waitForClientAbort(1, 3000);
    } finally {
      await warden.app.control.lift(r.id, 'done', 'e2e');
    }
  });

  it('limits a key with rpm 1 to one request, then 429 rate_limited with retry-after', async () => {
    const slow = await warden.key({ rpm: 1 });
    expect((await post(warden.url, path(f), slow, body(f, 'demo-echo'))).status).toBe(200);
    const r = await post(warden.url, path(f), slow, body(f, 'demo-echo'));
    expectError(f, r, 429, 'rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a body over server.bodyLimitBytes with invalid_request before calling the upstream', async () => {
    const r = await post(warden.url, path(f), key, body(f, 'gpt-test', 'x'.repeat(BODY_LIMIT + 10)));
    expectError(f, r, 413, 'invalid_request');
    expect(oai.received).toHaveLength(0);
  });

  it('refuses invalid JSON with 400 invalid_request', async () => {
    expectError(f, await post(warden.url, path(f), key, '{"model": "gpt-test", "messages": [}'), 400, 'invalid_request');
  });

  it('refuses a body without messages or with a non-boolean stream with 400 invalid_request', async () => {
    expectError(f, await post(warden.url, path(f), key, { model: 'gpt-test', max_tokens: 5 }), 400, 'invalid_request');
    expectError(f, await post(warden.url, path(f), key, { ...body(f, 'gpt-test'), stream: 'yes' }), 400, 'invalid_request');
    expectError(f, await post(warden.url, path(f), key, '[1,2,3]'), 400, 'invalid_request');
    expect(oai.received).toHaveLength(0);
  });

  it('refuses a body that is not JSON by content type with 400 invalid_request', async () => {
    const r = await post(warden.url, path(f), key, 'hello', { 'content-type': 'text/plain' });
    expectError(f, r, 400, 'invalid_request');
    expect(oai.received).toHaveLength(0);
  });
});

it('refuses an Anthropic request without max_tokens with 400 invalid_request', async () => {
  expectError('anthropic', await post(warden.url, '/v1/messages', key, { model: 'claude-test', messages: [{ role: 'user', content: 'x' }] }), 400, 'invalid_request');
});

it('answers an unknown route with 404 in the JSON error shape', async () => {
  const r = await post(warden.url, '/v1/nowhere', key, {});
  assertNoStack(r.text);
  expect(r.status).toBe(404);
  expect(r.json()).toMatchObject({ error: { code: 'not_found' } });
});
