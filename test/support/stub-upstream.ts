/** @module Scriptable stub OpenAI- and Anthropic-shaped upstreams on loopback: JSON, SSE, delays, 5xx, slow headers, resets; records what they received. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StubFlavor = 'openai' | 'anthropic';

/** One request the stub received, with its parsed body. */
export type Received = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly raw: string;
};

/** What the stub does with one request. Anything not set falls back to the flavor's default answer. */
export type StubReply =
  | {
      readonly kind: 'json';
      readonly status?: number;
      readonly body: unknown;
      readonly headersDelayMs?: number;
      /** Sends the first half of the body, then waits this long before the rest. */
      readonly stallBodyMs?: number;
      /** Sends the body in slices of this many bytes (splitting UTF-8 characters), a moment apart. */
      readonly chunkBytes?: number;
    }
  | {
      readonly kind: 'sse';
      readonly frames: readonly string[];
      readonly headersDelayMs?: number;
      readonly frameDelayMs?: number;
      /** Destroys the socket after this many frames (a reset mid-stream). */
      readonly resetAfter?: number;
      /** Stops writing (but keeps the socket open) after this many frames. */
      readonly hangAfter?: number;
      /** Sends all frames as one byte string in slices of this many bytes, a moment apart (other frame options are ignored). */
      readonly chunkBytes?: number;
    }
  /** Destroys the socket before any byte of response. */
  | { readonly kind: 'reset' }
  /** Never answers; the socket stays open until the client closes it. */
  | { readonly kind: 'hang' };

export type StubHandler = (req: Received, index: number) => StubReply | undefined;

export type StubUpstream = {
  readonly flavor: StubFlavor;
  readonly port: number;
  /** Base URL as a Warden provider `baseUrl` (with /v1 for OpenAI, without for Anthropic). */
  readonly baseUrl: string;
  readonly received: Received[];
  /** Number of requests whose client socket closed before the stub finished answering. */
  readonly abortedByClient: () => number;
  /** Replace the behaviour; `undefined` restores the default answers. */
  script(handler: StubHandler | undefined): void;
  /** Resolves when `n` requests have been aborted by the client, or rejects after `timeoutMs`. */
  waitForClientAbort(n: number, timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
};

export type ToolCallSpec = { readonly id: string; readonly name: string; readonly args: Record<string, unknown> };

export type AnswerSpec = {
  readonly text?: string;
  readonly toolCalls?: readonly ToolCallSpec[];
  readonly stop?: 'stop' | 'length' | 'tool_calls';
  readonly usage?: { readonly input: number; readonly output: number };
  readonly model?: string;
};

const DEFAULT_USAGE = { input: 11, output: 7 };

/** The text of the last user message, to echo back (either flavor, string or block content). */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: unknown; content?: unknown }[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return (m.content as { type?: unknown; text?: unknown }[]).filter((p) => p.type === 'text').map((p) => String(p.text)).join('');
    }
  }
  return '';
}

export function openaiJson(a: AnswerSpec): Record<string, unknown> {
  const u = a.usage ?? DEFAULT_USAGE;
  const toolCalls = a.toolCalls?.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.args) } }));
  return {
    id: 'chatcmpl-stub', object: 'chat.completion', created: 1_700_000_000, model: a.model ?? 'stub-model',
    choices: [{
      index: 0,
      message: { role: 'assistant', content: a.text ?? null, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      finish_reason: a.stop ?? (toolCalls ? 'tool_calls' : 'stop'), logprobs: null,
    }],
    usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output },
  };
}

export function openaiFrames(a: AnswerSpec, opts: { includeUsage?: boolean } = {}): string[] {
  const u = a.usage ?? DEFAULT_USAGE;
  const base = { id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 1_700_000_000, model: a.model ?? 'stub-model' };
  const out: string[] = [];
  const chunk = (delta: Record<string, unknown>, finish: string | null): void => {
    out.push(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);
  };
  chunk({ role: 'assistant', content: '' }, null);
  for (const piece of splitText(a.text ?? '')) chunk({ content: piece }, null);
  (a.toolCalls ?? []).forEach((t, index) => {
    chunk({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, null);
    const args = JSON.stringify(t.args);
    const mid = Math.floor(args.length / 2);
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] }, null);
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] }, null);
  });
  chunk({}, a.stop ?? (a.toolCalls?.length ? 'tool_calls' : 'stop'));
  if (opts.includeUsage !== false) {
    out.push(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output } })}\n\n`);
  }
  out.push('data: [DONE]\n\n');
  return out;
}

function anthropicStop(a: AnswerSpec): string {
  const s = a.stop ?? (a.toolCalls?.length ? 'tool_calls' : 'stop');
  return s === 'length' ? 'max_tokens' : s === 'tool_calls' ? 'tool_use' : 'end_turn';
}

export function anthropicJson(a: AnswerSpec): Record<string, unknown> {
  const u = a.usage ?? DEFAULT_USAGE;
  const content: Record<string, unknown>[] = [];
  if (a.text !== undefined) content.push({ type: 'text', text: a.text });
  for (const t of a.toolCalls ?? []) content.push({ type: 'tool_use', id: t.id, name: t.name, input: t.args });
  return {
    id: 'msg_stub', type: 'message', role: 'assistant', model: a.model ?? 'stub-claude', content,
    stop_reason: anthropicStop(a), stop_sequence: null,
    usage: { input_tokens: u.input, output_tokens: u.output, cache_creation_input_tokens: null, cache_read_input_tokens: null },
  };
}

export function anthropicFrames(a: AnswerSpec): string[] {
  const u = a.usage ?? DEFAULT_USAGE;
  const out: string[] = [];
  const ev = (type: string, data: Record<string, unknown>): void => {
    out.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  ev('message_start', {
    message: {
      id: 'msg_stub', type: 'message', role: 'assistant', model: a.model ?? 'stub-claude', content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: u.input, output_tokens: 1, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    },
  });
  let index = 0;
  if (a.text !== undefined) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    ev('ping', {});
    for (const piece of splitText(a.text)) ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    ev('content_block_stop', { index });
    index++;
  }
  for (const t of a.toolCalls ?? []) {
    ev('content_block_start', { index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } });
    const args = JSON.stringify(t.args);
    const mid = Math.floor(args.length / 2);
    ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args.slice(0, mid) } });
    ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args.slice(mid) } });
    ev('content_block_stop', { index });
    index++;
  }
  ev('message_delta', { delta: { stop_reason: anthropicStop(a), stop_sequence: null }, usage: { output_tokens: u.output } });
  ev('message_stop', {});
  return out;
}

/** Splits text into word-sized pieces, as a model would stream it. */
function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The default answer: echo the last user message, as JSON or SSE depending on `stream`. */
export function defaultReply(flavor: StubFlavor, req: Received): StubReply {
  const answer: AnswerSpec = { text: `stub says: ${lastUserText(req.body)}` };
  const stream = req.body.stream === true;
  if (flavor === 'openai') {
    if (!stream) return { kind: 'json', body: openaiJson(answer) };
    const so = req.body.stream_options as { include_usage?: unknown } | undefined;
    return { kind: 'sse', frames: openaiFrames(answer, { includeUsage: so?.include_usage === true }) };
  }
  return stream ? { kind: 'sse', frames: anthropicFrames(answer) } : { kind: 'json', body: anthropicJson(answer) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes `bytes` in slices, each flushed and followed by a short pause so they arrive as separate reads. */
async function writeSlices(res: ServerResponse, bytes: Buffer, size: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) {
    if (res.destroyed) return;
    await new Promise<void>((r) => res.write(bytes.subarray(at, at + size), () => r()));
    await sleep(1);
  }
  res.end();
}

export async function startStub(flavor: StubFlavor, handler?: StubHandler): Promise<StubUpstream> {
  let current = handler;
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let aborted = 0;
  const abortWaiters: (() => void)[] = [];
  const noteAbort = (): void => {
    aborted++;
    for (const w of abortWaiters.splice(0)) w();
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, reply: StubReply): Promise<void> => {
    let finished = false;
    // 'close' on the response fires once: after it finished, or when the connection went away first.
    res.once('close', () => { if (!finished && !res.writableFinished) noteAbort(); });
    if (reply.kind === 'reset') {
      finished = true;
      req.socket.destroy();
      return;
    }
    if (reply.kind === 'hang') return;
    if (reply.headersDelayMs) await sleep(reply.headersDelayMs);
    if (res.destroyed) return;
    if (reply.kind === 'json') {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      const text = JSON.stringify(reply.body);
      if (reply.chunkBytes) {
        await writeSlices(res, Buffer.from(text, 'utf8'), reply.chunkBytes);
        return;
      }
      if (reply.stallBodyMs) {
        const mid = Math.floor(text.length / 2);
        res.write(text.slice(0, mid));
        await sleep(reply.stallBodyMs);
        if (res.destroyed) return;
        res.end(text.slice(mid));
        return;
      }
      res.end(text);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (reply.chunkBytes) {
      await writeSlices(res, Buffer.from(reply.frames.join(''), 'utf8'), reply.chunkBytes);
      return;
    }
    for (let i = 0; i < reply.frames.length; i++) {
      if (res.destroyed) return;
      if (reply.resetAfter !== undefined && i >= reply.resetAfter) {
        finished = true;
        req.socket.destroy();
        return;
      }
      if (reply.hangAfter !== undefined && i >= reply.hangAfter) return;
      // Wait for the bytes to leave, so a reset that follows cannot discard them.
      await new Promise<void>((r) => res.write(reply.frames[i], () => r()));
      if (reply.frameDelayMs) await sleep(reply.frameDelayMs);
    }
    res.end();
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Recorded as raw text; the default reply still answers.
      }
      const rec: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw };
      const index = received.length;
      received.push(rec);
      const reply = current?.(rec, index) ?? defaultReply(flavor, rec);
      void answer(req, res, reply).catch(() => req.socket.destroy());
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    flavor,
    port,
    baseUrl: flavor === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`,
    received,
    abortedByClient: () => aborted,
    script(h) {
      current = h;
    },
    waitForClientAbort(n, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stub: ${aborted} client aborts after ${timeoutMs} ms, wanted ${n}`)), timeoutMs);
        const check = (): void => {
          if (aborted >= n) {
            clearTimeout(timer);
            resolve();
          } else {
            abortWaiters.push(check);
          }
        };
        check();
      });
    },
    reset() {
      received.length = 0;
      aborted = 0;
      current = undefined;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
