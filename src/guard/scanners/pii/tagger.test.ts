import { describe, expect, it } from 'vitest';
import { createPiiDetector, detectEntities, type Entity } from './detect.js';
import { loadLexicon, lexiconClasses } from './lexicon.js';
import { decodeTokens, tagEntities, taggerScratch, tokenClasses } from './tagger.js';
import { decodeModel } from './tagger-model.js';
import { TAGGER_BITS, TAGGER_WEIGHTS } from './tagger-weights.js';
import { tokenize, type Tokens } from './tokens.js';

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

  it('classifies words by the lexicon table as by its two sets (common first)', () => {
    const words = [...lexicon.common, ...lexicon.proper, 0, 1, -1, 0x7fffffff, -0x80000000];
    for (let i = 0; i < 5000; i++) words.push(Math.imul(i + 1, 0x9e3779b1));
    const t = { count: words.length, word: Int32Array.from(words) } as unknown as Tokens;
    const got = lexiconClasses(lexicon, t);
    words.forEach((w, i) => expect(got[i]).toBe(lexicon.common.has(w) ? 1 : lexicon.proper.has(w) ? 2 : 0));
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
