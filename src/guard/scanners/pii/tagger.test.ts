import { describe, expect, it } from 'vitest';
import { createPiiDetector, detectEntities, type Entity } from './detect.js';
import { loadLexicon, lexiconClasses } from './lexicon.js';
import { decodeTokens, tagEntities, taggerScratch, tokenClasses } from './tagger.js';
import { decodeModel } from './tagger-model.js';
import { TAGGER_BITS, TAGGER_WEIGHTS } from './tagger-weights.js';
import { asciiScratch, tokenBuffer, tokenize, tokenizeText, type Tokens } from './tokens.js';

const model = decodeModel(TAGGER_BITS, TAGGER_WEIGHTS);
const lexicon = loadLexicon();
const TEXTS = [
  'Our customer Jane Doe wrote from 12 Baker Street, London, about invoice 4471.',
  'Maria Gonzalez-Ortiz\nlives at 742 Evergreen Terrace, Springfield; call (555) 010-0199.',
  '!!!',
  'x',
  'Dr. J. R. Smith met Anna at Rue de Rivoli 5, 75001 Paris on 2024-01-02.',
];

describe('tagger fast paths', () => {
  it('scores tokens the same with four-byte weight loads as with one byte at a time', () => {
    expect(model.packed).toBeDefined();
    const bytewise = { ...model, packed: undefined };
    for (const text of TEXTS) {
      const t = tokenize(text, 0, text.length);
      const cls = tokenClasses(t, []);
      const lex = lexiconClasses(lexicon, t);
      const a = decodeTokens(model, t, cls, lex);
      const b = decodeTokens(bytewise, t, cls, lex);
      expect([...a.tags]).toEqual([...b.tags]);
      expect([...a.margin]).toEqual([...b.margin]);
    }
  });

  it('skips quiet lower-case words only where the model tags them O, and scores fewer tokens', () => {
    const texts = [...TEXTS, 'Please summarise the quarterly report for the finance team, then retry with exponential backoff.'];
    let fewer = 0;
    for (const text of texts.filter((x) => /[A-Z]/.test(x))) {
      const t = tokenize(text, 0, text.length);
      const cls = tokenClasses(t, []);
      const lex = lexiconClasses(lexicon, t);
      const all = decodeTokens(model, t, cls, lex);
      const quiet = decodeTokens(model, t, cls, lex, undefined, true);
      expect([...quiet.tags], text).toEqual([...all.tags]);
      if (quiet.count < all.count) fewer++;
    }
    expect(fewer).toBeGreaterThan(0);
  });

  it('keeps scoring lower-case words in text without capitals (chat style names)', () => {
    const tag = (text: string): string[] => {
      const out: Entity[] = [];
      tagEntities(model, lexicon, text, [], out);
      return out.map((e) => `${e.type}:${text.slice(e.start, e.end)}`);
    };
    expect(tag('hi, this is selma fowler and i live in stillwater with howard')).toEqual(['PERSON:selma fowler', 'PERSON:howard']);
    // With a capital in the text, all-lower-case names are dropped afterwards (detect.ts): the tagger skips them.
    expect(tag('Hi, this is selma fowler and i live in stillwater with howard')).toEqual([]);
    expect(detectEntities('Hi, this is selma fowler and i live in stillwater with howard')).toEqual([]);
  });

  it('classifies words by the lexicon table as by its two sets (common first)', () => {
    const words = [...lexicon.common, ...lexicon.proper, 0, 1, -1, 0x7fffffff, -0x80000000];
    for (let i = 0; i < 5000; i++) words.push(Math.imul(i + 1, 0x9e3779b1));
    const t = { count: words.length, word: Int32Array.from(words) } as unknown as Tokens;
    const got = lexiconClasses(lexicon, t);
    words.forEach((w, i) => expect(got[i]).toBe(lexicon.common.has(w) ? 1 : lexicon.proper.has(w) ? 2 : 0));
  });

  it('tokenises ASCII segments from bytes as from the string', () => {
    const parts = ['Jane', 'DOE', 'x', 'A', 'é', 'ab12', '4471', '1234567890123456789', ' ', '  ', '\n', '\r\n', '\t', '\f', '\v', '.', '@', '#', '-', '_', '\u00a0', '\ud83d\ude00', 'Привет'];
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const keys = (t: Tokens): unknown[] => [...Array(t.count).keys()].map((i) => [t.start[i], t.end[i], t.word[i], t.suffix[i], t.shape[i], t.newline[i]]).concat([t.newline[t.count]]);
    const buf = tokenBuffer(64);
    const a = asciiScratch(64);
    for (let r = 0; r < 2000; r++) {
      let text = '';
      const len = next() % 30;
      for (let i = 0; i < len; i++) text += parts[next() % (r % 2 === 0 ? parts.length - 4 : parts.length)] as string;
      const from = text.length > 0 ? next() % text.length : 0;
      const to = Math.min(text.length, from + 64);
      const want = keys(tokenize(text, from, to));
      expect(keys(tokenizeText(text, from, to, buf, a)), JSON.stringify(text)).toEqual(want);
    }
  });

  it('tags the same with reused work arrays as with fresh ones, whatever was tagged before', () => {
    const scratch = taggerScratch();
    for (const text of [...TEXTS, ...TEXTS.reverse()]) {
      const fresh: Entity[] = [];
      const reused: Entity[] = [];
      tagEntities(model, lexicon, text, [], fresh);
      tagEntities(model, lexicon, text, [], reused, scratch);
      expect(reused).toEqual(fresh);
    }
  });

  it('a detector that keeps its arrays finds what one-off detection finds', () => {
    const detect = createPiiDetector();
    for (const text of [...TEXTS, ...TEXTS]) expect(detect(text)).toEqual(detectEntities(text));
    expect(detect(TEXTS[0] as string).some((e) => e.type === 'PERSON')).toBe(true);
  });
});
