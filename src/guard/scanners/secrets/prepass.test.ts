import { describe, expect, it } from 'vitest';
import { CUE_HEADER, CUE_PEM, CUE_SQL, prepass } from './prepass.js';

const STEM_RE = /[pP](?=[aA][sS][sS]|[wW])|[sS](?=[eE][cC][rR][eE][tT])|[tT](?=[oO][kK][eE][nN])|[kK](?=[eE][yY])|[aA](?=[pP][iI]|[uU][tT][hH])|[cC](?=[rR][eE][dD])/g;
const KEY_RUN = /[0-9A-Za-z+/=\-_.~]+/g;

/** The text's bytes with 8+ zero bytes after them, and the same memory as 4-byte words. */
function encode(text: string): [Uint8Array, Uint32Array] {
  const bytes = new Uint8Array((text.length + 11) & ~3);
  new TextEncoder().encodeInto(text, bytes);
  return [bytes, new Uint32Array(bytes.buffer)];
}

describe('secrets pre-pass', () => {
  it('finds the stems the regex finds, and never misses a run or a cue a recogniser needs', () => {
    const pieces = ['password', 'PassWord', 'pw', 'pwd', 'secret', 'TOKEN', 'key', 'api', 'AUTH', 'cred', 'Bearer ', 'basic ', 'BEARER ', '://', ':/', '-----BEGIN ', '--', 'IDENTIFIED BY ', 'identified by', 'by ', 'IDENTIFIED WITH ', 'with ', 'sha2_plugin', "'p'", ' BY ', ' ', '\n', '@', ',', '=', '~', '"', 'x', '0', 'Q', '.', '/', 'aB3', 'zz9Y', 'q'.repeat(15), 'Q'.repeat(16), 'k'.repeat(21), 'w'.repeat(23), 'v'.repeat(62)];
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    for (let r = 0; r < 5000; r++) {
      let text = '';
      const len = next() % 24;
      for (let i = 0; i < len; i++) text += pieces[next() % pieces.length] as string;
      const [bytes, words] = encode(text);
      const pre = prepass(bytes, words, text.length, undefined);
      const why = JSON.stringify(text);
      expect([...pre.at.subarray(0, pre.count)], why).toEqual([...text.matchAll(STEM_RE)].map((m) => m.index));
      const longest = Math.max(0, ...[...text.matchAll(KEY_RUN)].map((m) => m[0].length));
      if (longest >= 16) expect(pre.longestRun, why).toBeGreaterThanOrEqual(Math.min(24, longest));
      else expect(pre.longestRun, why).toBeLessThan(16);
      if (longest >= 64) expect(pre.cleanWords, why).toBeGreaterThanOrEqual(15);
      if (text.includes('-----BEGIN ')) expect(pre.cues & CUE_PEM, why).toBe(CUE_PEM);
      if (/bearer |Basic |:\/\//i.test(text)) expect(pre.cues & CUE_HEADER, why).toBe(CUE_HEADER);
      if (/identified by |identified with ['"`\w.-]{1,64} by /i.test(text)) expect(pre.cues & CUE_SQL, why).toBe(CUE_SQL);
    }
  });

  it('reports prose as holding no long run and no cue', () => {
    const text = 'Our customer Jane Doe wrote to support@example.com about the budget spreadsheet, by Thursday. '.repeat(20);
    const [bytes, words] = encode(text);
    const pre = prepass(bytes, words, text.length, undefined);
    expect(pre.longestRun).toBeLessThan(16);
    expect(pre.cues).toBe(0);
    expect(pre.count).toBe(0);
  });
});
