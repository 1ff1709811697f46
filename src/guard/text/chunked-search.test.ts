import { describe, expect, it } from 'vitest';
import { ScanTimeoutError } from '../deadline.js';
import { execFrom, indexOfFrom, testFrom } from './chunked-search.js';

/** A deadline that never passes, so the chunked path runs. */
const far = { now: () => 0, deadline: 1 };

/** Deterministic text over a small alphabet: matches everywhere, across every chunk boundary. */
function text(n: number, alphabet: string, seed: number): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet.charAt((x >>> 16) % alphabet.length);
  }
  return s;
}

function allStarts(find: (from: number) => number, step: (at: number) => number): number[] {
  const out: number[] = [];
  for (let at = find(0); at !== -1; at = find(step(at))) out.push(at);
  return out;
}

describe('chunked search', () => {
  const t = text(300_000, 'ab 1.DL', 7);

  it('finds the same regex matches as one search of the whole text', () => {
    for (const [source, maxLen] of [['[0-9]', 1], ['b[a ]{2}1', 4], ['\\bDL\\b', 2], ['a(?=b b)', 4]] as const) {
      const whole = new RegExp(source, 'g');
      const chunked = new RegExp(source, 'g');
      const expected = allStarts(
        (from) => {
          whole.lastIndex = from;
          return whole.exec(t)?.index ?? -1;
        },
        () => whole.lastIndex,
      );
      expect(expected.length).toBeGreaterThan(100);
      expect(allStarts((from) => execFrom(chunked, t, from, maxLen, far), () => chunked.lastIndex)).toEqual(expected);
      const ends: number[] = [];
      for (let end = testFrom(chunked, t, 0, maxLen, far); end !== -1; end = testFrom(chunked, t, end, maxLen, far)) ends.push(end);
      expect(ends.length).toBe(expected.length);
    }
  });

  it('finds the same needles as indexOf', () => {
    for (const needle of ['1', 'a.D', 'DL DL']) {
      const expected = allStarts((from) => t.indexOf(needle, from), (at) => at + 1);
      expect(allStarts((from) => indexOfFrom(t, needle, from, far), (at) => at + 1)).toEqual(expected);
    }
  });

  it('stops with a timeout once the deadline has passed', () => {
    const past = { now: () => 2, deadline: 1 };
    expect(() => indexOfFrom('x'.repeat(200_000), 'y', 0, past)).toThrow(ScanTimeoutError);
    expect(() => execFrom(/y/g, 'x'.repeat(200_000), 0, 1, past)).toThrow(ScanTimeoutError);
  });
});
