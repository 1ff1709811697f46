/** @module The non-chat endpoints: /v1/models per key, /healthz, /readyz and Prometheus /metrics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type StubUpstream } from '../support/stub-upstream.js';
import { assertNoStack, post, startWarden, twoProviderConfig, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl));
});
afterAll(async () => {
  await warden?.close();
  await oai?.close();
  await anth?.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(warden.url + path, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

type ModelList = { object: string; data: { id: string; object: string; demo?: boolean; status?: string; restriction?: { id: string } }[] };

describe('GET /v1/models', () => {
  it('lists every model, the demo labelled as such, for a key without a model list', async () => {
    const key = await warden.key();
    const r = await get('/v1/models', { authorization: `Bearer ${key}` });
    expect(r.status).toBe(200);
    const j = JSON.parse(r.text) as ModelList;
    expect(j.object).toBe('list');
    expect(j.data.map((m) => m.id).sort()).toEqual(['claude-test', 'demo-echo', 'gpt-test']);
    expect(j.data.find((m) => m.id === 'demo-echo')?.demo).toBe(true);
    expect(j.data.find((m) => m.id === 'gpt-test')?.demo).toBeUndefined();
    for (const m of j.data) expect(m.object).toBe('model');
  });

  it('lists only the models a restricted key may use, also by x-api-key', async () => {
    const key = await warden.key({ models: ['claude-test'] });
    const r = await get('/v1/models', { 'x-api-key': key });
    expect(r.status).toBe(200);
    expect((JSON.parse(r.text) as ModelList).data.map((m) => m.id)).toEqual(['claude-test']);
  });

  it('marks a model an operator restricted, with the restriction id', async () => {
    const key = await warden.key({ models: ['gpt-test'] });
    const rst = await warden.app.control.restrict({ model: 'gpt-test', reason: 'maintenance' }, 'e2e');
    try {
      const j = JSON.parse((await get('/v1/models', { authorization: `Bearer ${key}` })).text) as ModelList;
      expect(j.data).toEqual([expect.objectContaining({ id: 'gpt-test', status: 'restricted', restriction: expect.objectContaining({ id: rst.id }) })]);
    } finally {
      await warden.app.control.lift(rst.id, 'done', 'e2e');
    }
  });

  it('refuses a missing or unknown key with 401 invalid_api_key', async () => {
    for (const headers of [{}, { authorization: 'Bearer wdn_wrong' }]) {
      const r = await get('/v1/models', headers);
      assertNoStack(r.text);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'invalid_api_key' } });
    }
  });
});

describe('health and metrics', () => {
  it('answers /healthz with 200', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ status: 'ok' });
  });

  it('answers /readyz with 200 once the policy snapshot is loaded', async () => {
    const r = await get('/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ ready: true, stale: false });
  });

  it('exposes Prometheus text with request counts by outcome, latency histograms and errors by code', async () => {
    const key = await warden.key();
    expect((await post(warden.url, '/v1/chat/completions', key, { model: 'gpt-test', messages: [{ role: 'user', content: 'm' }] })).status).toBe(200);
    expect((await post(warden.url, '/v1/messages', 'wdn_wrong', { model: 'gpt-test', max_tokens: 5, messages: [{ role: 'user', content: 'm' }] })).status).toBe(401);
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toContain('# TYPE warden_requests_total counter');
    expect(r.text).toMatch(/^warden_requests_total\{[^}]*route="chat\.completions"[^}]*model="gpt-test"[^}]*code="ok"[^}]*\} [1-9]/m);
    expect(r.text).toMatch(/^warden_requests_total\{[^}]*route="messages"[^}]*code="invalid_api_key"[^}]*\} [1-9]/m);
    expect(r.text).toMatch(/^warden_errors_total\{[^}]*code="invalid_api_key"[^}]*\} [1-9]/m);
    expect(r.text).toMatch(/^warden_request_duration_seconds_bucket\{/m);
    expect(r.text).toMatch(/^warden_upstream_duration_seconds_count\{[^}]*provider="local"[^}]*\} [1-9]/m);
  });
});
