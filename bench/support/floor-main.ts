/**
 * @module Diagnostic target `floor`: the least a Node proxy can do here, node:http in front of an undici Pool to the
 * stub, the body forwarded as received and the answer sent back as it came (one write for JSON, chunks as they
 * arrive for SSE), with no authentication, policy, audit or metrics. What Warden costs above this is Warden's own.
 * Args: stub port, listen port, workers (default 1; more: node:cluster forks that many, as `warden start --workers`
 * does, for the `floor-2w` target). Prints `{"port":N}` once every process listens.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

const [stubPort, listenPort, workers = 1] = process.argv.slice(2).map(Number);
const pool = new Pool(`http://127.0.0.1:${stubPort}`, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
const UPSTREAM_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer stub-key' };

/** undici's native dispatch handler: no Readable, no promise per chunk. */
class Relay {
  #stream = false;
  #parts: Buffer[] = [];
  #size = 0;
  constructor(readonly res: ServerResponse) {}
  onConnect(): void {}
  onHeaders(status: number, raw: Buffer[] | string[] | null): boolean {
    let ct = 'application/json';
    if (raw) {
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (String(raw[i]).toLowerCase() === 'content-type') ct = String(raw[i + 1]);
      }
    }
    this.#stream = ct.startsWith('text/event-stream');
    this.res.statusCode = status;
    if (this.#stream) this.res.writeHead(status, { 'content-type': ct, 'cache-control': 'no-cache' });
    else this.res.setHeader('content-type', ct);
    return true;
  }
  onData(chunk: Buffer): boolean {
    if (this.#stream) {
      this.res.write(chunk);
      return true;
    }
    this.#parts.push(chunk);
    this.#size += chunk.length;
    return true;
  }
  onComplete(): void {
    if (this.#stream) {
      this.res.end();
      return;
    }
    const body = this.#parts.length === 1 ? this.#parts[0] as Buffer : Buffer.concat(this.#parts, this.#size);
    this.res.setHeader('content-length', body.length);
    this.res.end(body);
  }
  onError(): void {
    if (this.res.headersSent) this.res.destroy();
    else {
      this.res.writeHead(502, { 'content-type': 'application/json', 'content-length': 2 });
      this.res.end('{}');
    }
  }
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = parts.length === 1 ? parts[0] as Buffer : Buffer.concat(parts);
    pool.dispatch({ method: 'POST', path: '/v1/chat/completions', headers: UPSTREAM_HEADERS, body }, new Relay(res));
  });
}

if (workers > 1 && cluster.isPrimary) forkWorkers(workers);
else serve();

function forkWorkers(n: number): void {
  let listening = 0;
  for (let i = 0; i < n; i++) {
    cluster.fork().on('listening', () => {
      if (++listening === n) process.stdout.write(`${JSON.stringify({ port: listenPort })}\n`);
    });
  }
  const stop = (): void => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function serve(): void {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    onRequest(req, res);
  });
  server.listen(listenPort, '127.0.0.1', () => {
    if (cluster.isPrimary) process.stdout.write(`${JSON.stringify({ port: listenPort })}\n`);
  });
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => void pool.close().then(() => process.exit(0)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
