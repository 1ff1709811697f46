/** @module "Nothing lost": under concurrency every request either reached the upstream exactly once and got its answer, or got a documented error. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { lastUserText, startStub, type StubHandler, type StubUpstream } from '../support/stub-upstream.js';
import { summariseAnthropicJson, summariseAnthropicStream, summariseOpenaiJson, summariseOpenaiStream } from './accumulate.js';
import { assertNoStack, post, startWarden, twoProviderConfig, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;

const N = 500;
const DOCUMENTED = new Set<string>(Object.values(ERROR_CODES).map((c) => c.wire));

/** Which requests the stub fails on purpose, decided from the marker in the prompt, not from arrival order. */
const planned = (i: number): 'ok' | 'reset' | '500' => (i % 10 === 3 ? 'reset' : i % 10 === 7 ? '500' : 'ok');

const handler: StubHandler = (req) => {
  const m = /^n-(\d+)$/.exec(lastUserText(req.body));
  const i = Number(m?.[1] ?? -1);
  const delay = (i * 7) % 20;
  if (planned(i) === 'reset') return { kind: 'reset' };
  if (planned(i) === '500') return { kind: 'json', status: 500, body: { error: { message: 'planned failure' } }, headersDelayMs: delay };
  return undefined;
};

beforeAll(async () => {
  oai = await startStub('openai', handler);
  anth = await startStub('anthropic', handler);
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl));
});
afterAll(async () => {
  await warden?.close();
  await oai?.close();
  await anth?.close();
});

it(`answers ${N} concurrent requests: each 200 reached the upstream once, each failure is a documented error`, async () => {
  const key = await warden.key();
  const results = await Promise.all(Array.from({ length: N }, async (_, i) => {
    const client = i % 2 === 0 ? 'openai' : 'anthropic';
    const model = i % 3 === 0 ? 'claude-test' : 'gpt-test';
    const stream = i % 4 >= 2;
    const content = `n-${i}`;
    const body = client === 'openai'
      ? { model, stream, messages: [{ role: 'user', content }] }
      : { model, stream, max_tokens: 16, messages: [{ role: 'user', content }] };
    const r = await post(warden.url, client === 'openai' ? '/v1/chat/completions' : '/v1/messages', key, body);
    return { i, client, model, stream, r };
  }));

  const seen = new Map<string, number>();
  for (const rec of [...oai.received, ...anth.received]) {
    const t = lastUserText(rec.body);
    seen.set(t, (seen.get(t) ?? 0) + 1);
  }

  let ok = 0;
  let failed = 0;
  for (const { i, client, stream, r } of results) {
    assertNoStack(r.text);
    const reached = seen.get(`n-${i}`) ?? 0;
    if (r.status === 200) {
      ok++;
      const s = stream
        ? (client === 'openai' ? summariseOpenaiStream(r.text) : summariseAnthropicStream(r.text))
        : (client === 'openai' ? summariseOpenaiJson(r.json()) : summariseAnthropicJson(r.json()));
      expect(s.text, `request ${i}`).toBe(`stub says: n-${i}`);
      expect(s.errors, `request ${i}`).toEqual([]);
      expect(reached, `request ${i} reached the upstream`).toBe(1);
      expect(planned(i), `request ${i}`).toBe('ok');
    } else {
      failed++;
      const j = r.json() as { error?: { code?: string } };
      expect(DOCUMENTED.has(j.error?.code ?? ''), `request ${i}: ${r.text}`).toBe(true);
      expect(reached, `request ${i} was not duplicated`).toBeLessThanOrEqual(1);
      expect(planned(i), `request ${i}: ${r.status} ${r.text}`).not.toBe('ok');
    }
  }
  expect(ok + failed).toBe(N);
  expect(ok).toBe(Array.from({ length: N }, (_, i) => planned(i)).filter((p) => p === 'ok').length);
  // Every request reached an upstream at most once; none arrived that nobody sent.
  for (const [text, n] of seen) {
    expect(/^n-\d+$/.test(text), text).toBe(true);
    expect(n, text).toBe(1);
  }
}, 30_000);
