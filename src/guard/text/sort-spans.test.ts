import { describe, expect, it } from 'vitest';
import { sortByStart } from './sort-spans.js';

type S = { start: number; end: number; id: number };

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('sortByStart', () => {
  it('orders like a stable comparator sort (start, then longer first) for inputs made of ascending runs', () => {
    const rnd = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const spans: S[] = [];
      const runs = 1 + Math.floor(rnd() * 6);
      for (let r = 0; r < runs; r++) {
        let at = Math.floor(rnd() * 20);
        for (let k = Math.floor(rnd() * 12); k > 0; k--) {
          at += Math.floor(rnd() * 3); // ties on start occur
          spans.push({ start: at, end: at + 1 + Math.floor(rnd() * 5), id: spans.length });
        }
      }
      const expected = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
      expect(sortByStart(spans)).toEqual(expected);
    }
  });

  it('returns a sorted input as it is', () => {
    const spans = [{ start: 0, end: 3 }, { start: 0, end: 2 }, { start: 4, end: 5 }];
    expect(sortByStart(spans)).toBe(spans);
  });
});
