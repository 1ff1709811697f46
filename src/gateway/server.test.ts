import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarden, type Warden } from '../../test/e2e/harness.js';

let warden: Warden;
let key: string;

beforeAll(async () => {
  // `other` is never called: it only gives a key a model list without demo-echo.
  warden = await startWarden('providers:\n  - { id: nowhere, type: openai, baseUrl: "http://127.0.0.1:9/v1", apiKey: "x" }\nmodels:\n  - { id: other, provider: nowhere }\n');
  key = await warden.key();
});
afterAll(async () => {
  await warden?.close();
});

const chat = JSON.stringify({ model: 'demo-echo', messages: [{ role: 'user', content: 'hi there' }] });

describe('the chat routes in front of Fastify', () => {
  it('serves a chat route with a query string and a charset in the content type', async () => {
    const r = await fetch(`${warden.url}/v1/chat/completions?trace=1`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json; charset=utf-8' }, body: chat,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-warden-request-id')).toMatch(/^req_/);
    expect(r.headers.get('content-length')).not.toBeNull();
    expect(((await r.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toContain('hi there');
  });

  it('leaves other methods and near-miss paths to Fastify (404 in the JSON error shape)', async () => {
    const get = await fetch(`${warden.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${key}` } });
    expect(get.status).toBe(404);
    const slash = await fetch(`${warden.url}/v1/chat/completions/`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: chat });
    expect(slash.status).toBe(404);
    expect(await slash.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a body without a content type, and an empty body, with 400 invalid_request', async () => {
    const status = (headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> => new Promise((resolve, reject) => {
      const u = new URL(`${warden.url}/v1/messages`);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'x-api-key': key, ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const noType = await status({ 'content-length': String(chat.length) }, chat);
    expect(noType.status).toBe(400);
    expect(JSON.parse(noType.text)).toMatchObject({ type: 'error', error: { code: 'invalid_request' } });
    const empty = await status({ 'content-length': '0' });
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.text)).toMatchObject({ type: 'error', error: { code: 'invalid_request' } });
  });

  it('serves the same routes through Fastify for app.inject()', async () => {
    const r = await warden.app.server.inject({
      method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: chat,
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-warden-request-id']).toMatch(/^req_/);
    expect((JSON.parse(r.body) as { choices: unknown[] }).choices).toHaveLength(1);
  });

  it('looks each key up again on a kept-alive connection: another key, an unknown one, one revoked meanwhile', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (k: string): Promise<{ status: number; code: string | undefined; reused: boolean }> => new Promise((resolve, reject) => {
      const u = new URL(`${warden.url}/v1/chat/completions`);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error?: { code?: string } }).error?.code, reused: req.reusedSocket }));
      });
      req.on('error', reject);
      req.end(chat);
    });
    try {
      const a = await warden.app.control.createKey({ tenant: 'acme' }, 'test');
      const b = await warden.app.control.createKey({ tenant: 'acme', models: ['other'] }, 'test');
      expect((await send(a.key)).status).toBe(200);
      expect(await send(b.key)).toEqual({ status: 403, code: 'model_not_allowed', reused: true });
      expect(await send('wdn_notakey')).toEqual({ status: 401, code: 'invalid_api_key', reused: true });
      expect((await send(a.key)).status).toBe(200);
      await warden.app.control.revokeKey(a.id, 'test');
      expect(await send(a.key)).toEqual({ status: 401, code: 'invalid_api_key', reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('counts both kinds on /metrics', async () => {
    const m = await (await fetch(`${warden.url}/metrics`)).text();
    expect(m).toMatch(/^warden_requests_total\{[^}]*route="chat\.completions"[^}]*model="demo-echo"[^}]*code="ok"[^}]*\} [2-9]/m);
    expect(m).toMatch(/^warden_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*route="chat\.completions"[^}]*\} [2-9]/m);
  });
});

describe('while shutting down', () => {
  it('finishes the running request and refuses the next one on the same connection with 503 in its API shape', async () => {
    const { createServer } = await import('node:http');
    const { connect } = await import('node:net');
    const slow = createServer((req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }] }));
      }, 300);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = (slow.address() as { port: number }).port;
    const w = await startWarden(`providers:\n  - { id: slow, type: openai, baseUrl: "http://127.0.0.1:${port}/v1", apiKey: "x" }\nmodels:\n  - { id: slow, provider: slow }\n`);
    const k = await w.key({ models: ['slow'] });
    const u = new URL(w.url);
    const socket = connect(Number(u.port), u.hostname);
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (raw += c));
    const ended = new Promise<void>((r) => socket.on('close', () => r()));
    const post = (path: string, body: string): string =>
      `POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${k}\r\nx-api-key: ${k}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    socket.write(post('/v1/chat/completions', JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] })));
    await new Promise((r) => setTimeout(r, 100));
    const closed = w.close();
    await new Promise((r) => setTimeout(r, 20));
    socket.write(post('/v1/messages', JSON.stringify({ model: 'slow', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })));
    await Promise.all([closed, ended]);
    await new Promise<void>((r) => slow.close(() => r()));
    const answers = raw.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[0]).toContain('done');
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    const body = JSON.parse(answers[1]?.slice((answers[1]?.indexOf('\r\n\r\n') ?? 0) + 4) ?? '') as unknown;
    expect(body).toMatchObject({ type: 'error', error: { type: 'overloaded_error', code: 'overloaded' } });
  });
});
