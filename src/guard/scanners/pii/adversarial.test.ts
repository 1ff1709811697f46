import { describe, expect, it } from 'vitest';
import { detectEntities } from './detect.js';

/** Generous bound: CI machines are shared; linear scanning keeps these far below it. */
const BOUND_MS = 1500;

function timed(text: string): number {
  const t = performance.now();
  detectEntities(text);
  return performance.now() - t;
}

const cases: [string, string][] = [
  ['repeated @', 'a@'.repeat(50_000)],
  ['repeated digit-dash', '1-'.repeat(50_000)],
  ['one long digit run', '7'.repeat(100_000)],
  ['repeated dots', 'a.'.repeat(50_000)],
  ['repeated colons', 'a:'.repeat(50_000)],
  ['repeated scheme', 'http://'.repeat(15_000)],
  ['repeated IBAN prefix', 'GB12 '.repeat(20_000)],
  ['capitalised words', 'Abc '.repeat(25_000)],
  ['no whitespace letters', 'x'.repeat(100_000)],
];

describe('bounded time on adversarial input', () => {
  it.each(cases)('%s (100 KB)', (_name, text) => {
    expect(timed(text)).toBeLessThan(BOUND_MS);
  });

  it('handles every Unicode category without error', () => {
    let s = '';
    for (let cp = 0; cp < 0x30000; cp += 7) if (cp < 0xd800 || cp > 0xdfff) s += String.fromCodePoint(cp);
    expect(timed(s)).toBeLessThan(BOUND_MS);
  });

  it('handles lone surrogates', () => {
    expect(() => detectEntities('\ud800abc\udc00 john@doe.org')).not.toThrow();
  });
});
