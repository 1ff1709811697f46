/** @module An OpenAI-shaped upstream for benchmarks: /v1/chat/completions as JSON or SSE, with a delay chosen by the model name. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The model name picks the behaviour, so one stub serves every scenario and the gateways forward the body
 * unchanged: `stub-d<N>` waits N ms before the answer; `-g<M>` adds M ms between stream frames.
 */
const MODEL_RE = /^stub-d(\d{1,5})(?:-g(\d{1,5}))?$/;
const MAX_BODY = 1024 * 1024;
const WORDS = ['Hello', ' there,', ' this', ' is', ' a', ' benchmark', ' answer.'];

type Behaviour = { readonly delayMs: number; readonly gapMs: number; readonly json: Buffer; readonly frames: readonly Buffer[] };

export type Stub = { readonly port: number; readonly server: Server; requests(): number; close(): Promise<void> };

function behaviour(model: string): Behaviour {
  const m = MODEL_RE.exec(model);
  const delayMs = m ? Number(m[1]) : 0;
  const gapMs = m?.[2] ? Number(m[2]) : 0;
  const id = 'chatcmpl-bench';
  const created = 1_700_000_000;
  const usage = { prompt_tokens: 12, completion_tokens: WORDS.length, total_tokens: 12 + WORDS.length };
  const json = Buffer.from(JSON.stringify({
    id, object: 'chat.completion', created, model,
    choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join('') }, finish_reason: 'stop' }],
    usage,
  }));
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): Buffer =>
    Buffer.from(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  const frames = [
    chunk({ role: 'assistant', content: '' }, null),
    ...WORDS.map((w) => chunk({ content: w }, null)),
    chunk({}, 'stop'),
    Buffer.from(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`),
    Buffer.from('data: [DONE]\n\n'),
  ];
  return { delayMs, gapMs, json, frames };
}

/** Starts the stub on 127.0.0.1 (port 0 picks a free one). */
export async function startStub(port = 0): Promise<Stub> {
  const cache = new Map<string, Behaviour>();
  let served = 0;

  const answer = (res: ServerResponse, b: Behaviour, stream: boolean): void => {
    if (res.destroyed) return;
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.json.length });
      res.end(b.json);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (b.gapMs === 0) {
      for (const f of b.frames) res.write(f);
      res.end();
      return;
    }
    let i = 0;
    const next = (): void => {
      if (res.destroyed) return;
      const f = b.frames[i++];
      if (f === undefined) {
        res.end();
        return;
      }
      res.write(f);
      setTimeout(next, b.gapMs);
    };
    next();
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests: served }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) parts.push(c);
    });
    req.on('end', () => {
      served++;
      let body: { model?: unknown; stream?: unknown };
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { model?: unknown; stream?: unknown };
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
        return;
      }
      const model = typeof body.model === 'string' ? body.model : '';
      const stream = body.stream === true;
      let b = cache.get(model);
      if (!b) {
        b = behaviour(model);
        if (cache.size < 1000) cache.set(model, b);
      }
      if (b.delayMs === 0) answer(res, b, stream);
      else setTimeout(answer, b.delayMs, res, b, stream);
    });
  };

  const server = createServer({ keepAliveTimeout: 120_000 }, onRequest);
  server.headersTimeout = 130_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    requests: () => served,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
