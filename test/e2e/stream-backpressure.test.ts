/** @module A long stream to a slow reader: every byte arrives, in both caller formats, and waiting for the reader leaks nothing. */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openaiFrames, startStub, type StubUpstream } from '../support/stub-upstream.js';
import { summariseAnthropicStream, summariseOpenaiStream } from './accumulate.js';
import { startWarden, twoProviderConfig, type Warden } from './harness.js';

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

/** POSTs and reads the answer slowly (a pause after every chunk), so Warden's writes meet backpressure. */
function slowRead(path: string, key: string, body: unknown): Promise<string> {
  const u = new URL(warden.url + path);
  return new Promise<string>((resolve, reject) => {
    const req = request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        res.pause();
        setImmediate(() => res.resume());
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

it('delivers a long stream whole to a slow reader, without piling up listeners', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(`${w.name}: ${w.message}`); };
  process.on('warning', onWarning);
  try {
    const key = await warden.key();
    const text = Array.from({ length: 1200 }, (_, i) => `w${i}-${'x'.repeat(200)}`).join(' ');
    oai.script(() => ({ kind: 'sse', frames: openaiFrames({ text }) }));
    const a = await slowRead('/v1/chat/completions', key, { model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(summariseOpenaiStream(a)).toMatchObject({ text, done: true, errors: [] });
    const b = await slowRead('/v1/messages', key, { model: 'gpt-test', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(summariseAnthropicStream(b)).toMatchObject({ text, done: true, errors: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
}, 30_000);
