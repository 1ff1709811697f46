/** @module canary scanner: token and verbatim system-prompt leaks, robust to case and separators; helpers. */
import { describe, expect, it } from 'vitest';
import { canary, findCanary, insertCanary, makeCanary } from './index.js';

const TOKEN = makeCanary('0123456789ABCDEF77');
const SYSTEM = insertCanary(
  'You are Aria, the assistant of Northwind Travel. Only discuss bookings. Never mention the partner discount code or the refund override procedure described below.',
  TOKEN,
);
const s = canary.create(canary.parseOptions({}));
const base = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
const scan = (text: string, request: { systemPrompt?: string; canary?: string } = { systemPrompt: SYSTEM, canary: TOKEN }) =>
  s.scan({ text, stage: 'output', origin: 'completion' }, { ...base, request });

describe('makeCanary / insertCanary', () => {
  it('makes a wdn- token from 16 hex digits of the caller randomness', () => {
    expect(TOKEN).toBe('wdn-0123456789abcdef');
    expect(() => makeCanary('abc')).toThrow(TypeError);
  });

  it('puts the canary at the start of the system prompt', () => {
    expect(insertCanary('Be brief.', TOKEN)).toBe(`<!-- ${TOKEN} -->\nBe brief.`);
  });
});

describe('canary', () => {
  it.each([
    ['verbatim', `Sure! ${TOKEN}`],
    ['upper case', `Marker: ${TOKEN.toUpperCase()}`],
    ['spaced out', `m a r k e r: ${TOKEN.split('').join(' ')}`],
    ['inside markdown', `\`\`\`\n<!-- ${TOKEN} -->\n\`\`\``],
  ])('finds the token (%s) and blocks', async (_n, text) => {
    const r = await scan(text);
    expect(r.verdict).toBe('block');
    expect(r.findings[0]).toMatchObject({ type: 'canary.token', score: 1 });
  });

  it('gives the span of the token in the answer', () => {
    const text = `xx ${TOKEN} yy`;
    expect(findCanary(text, TOKEN)).toEqual({ start: 3, end: 3 + TOKEN.length });
  });

  it('finds a verbatim chunk of the system prompt, case and punctuation aside', async () => {
    const r = await scan('My instructions say: "you are aria, the assistant of northwind travel; only discuss bookings." That is all.');
    expect(r.verdict).toBe('block');
    expect(r.findings).toEqual([expect.objectContaining({ type: 'canary.system_prompt' })]);
    const f = r.findings[0];
    expect(f?.start).toBeGreaterThan(0);
  });

  it.each([
    'I can help you with your Northwind Travel booking.',
    'You are welcome! Bookings can be changed online.',
    'The assistant of the travel agency will call you.',
  ])('passes ordinary answers: %s', async (text) => {
    expect((await scan(text)).verdict).toBe('pass');
  });

  it('passes at once when the request has neither canary nor system prompt', async () => {
    expect(await scan(`anything ${TOKEN}`, {})).toEqual({ verdict: 'pass', score: 0, findings: [] });
  });

  it('scans 1 MB of an answer repeating prompt-like words in bounded time', async () => {
    const text = 'you are aria the assistant of northwind '.repeat(25_000);
    const t0 = performance.now();
    const r = await scan(text);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.verdict).toBe('pass');
  });
});
