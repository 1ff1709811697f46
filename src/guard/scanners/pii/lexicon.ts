/** @module Word-class lexicon for the tagger: hashed sets of words seen mostly lower-case or mostly capitalised in general text. */
import { LEXICON_COMMON, LEXICON_PROPER } from './lexicon-data.js';
import type { Tokens } from './tokens.js';

export type Lexicon = { readonly common: ReadonlySet<number>; readonly proper: ReadonlySet<number> };

function decodeHashes(data: string): Set<number> {
  const out = new Set<number>();
  for (const part of data.split(',')) if (part !== '') out.add(Number.parseInt(part, 36) | 0);
  return out;
}

export function loadLexicon(): Lexicon {
  return { common: decodeHashes(LEXICON_COMMON), proper: decodeHashes(LEXICON_PROPER) };
}

/** Per token: 0 unknown, 1 common lower-case word, 2 usually capitalised (proper noun). `into` is reused when given. */
export function lexiconClasses(lex: Lexicon, t: Tokens, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const w = t.word[i] ?? 0;
    out[i] = lex.common.has(w) ? 1 : lex.proper.has(w) ? 2 : 0;
  }
  return out;
}
