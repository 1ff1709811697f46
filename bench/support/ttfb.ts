/** @module Time to the first streamed body byte of `stream:true` requests, one at a time over one keep-alive connection. */
import { Agent, request } from 'node:http';

export type TtfbOptions = {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly samples: number;
};

export type TtfbSample = { readonly ttfbMs: number; readonly totalMs: number };

/**
 * Measures from the moment the request is handed to the socket to the first body chunk (not the headers:
 * a gateway may send headers early and still hold the first token back), and to the end of the stream.
 */
export async function measureTtfb(o: TtfbOptions): Promise<TtfbSample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(o.url);
  const body = Buffer.from(o.body);
  const out: TtfbSample[] = [];
  try {
    for (let i = 0; i < o.samples; i++) out.push(await once(agent, u, o.headers, body));
  } finally {
    agent.destroy();
  }
  return out;
}

function once(agent: Agent, u: URL, headers: Record<string, string>, body: Buffer): Promise<TtfbSample> {
  return new Promise<TtfbSample>((resolve, reject) => {
    let t0 = 0;
    let first = -1;
    const req = request({
      agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(body.length) },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`TTFB request answered HTTP ${res.statusCode}`));
        return;
      }
      res.on('data', (c: Buffer) => {
        if (first < 0 && c.length > 0) first = performance.now() - t0;
      });
      res.on('end', () => resolve({ ttfbMs: first, totalMs: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    t0 = performance.now();
    req.end(body);
  });
}
