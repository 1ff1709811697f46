/** @module Word-class lexicon for the tagger: hashed sets of words seen mostly lower-case or mostly capitalised in general text. */
import { LEXICON_COMMON, LEXICON_PROPER } from './lexicon-data.js';
import type { Tokens } from './tokens.js';

/**
 * `common` and `proper` as sets; `keys`/`classes`, the same as one open-addressing table (at most half full, linear
 * probing, key 0 for an empty slot and `zero` for the class of hash 0): one probe per token instead of two Set
 * lookups, which were a twentieth of a 2 KB scan.
 */
export type Lexicon = {
  readonly common: ReadonlySet<number>;
  readonly proper: ReadonlySet<number>;
  readonly keys: Int32Array;
  readonly classes: Uint8Array;
  readonly shift: number;
  readonly zero: number;
};

function decodeHashes(data: string): Set<number> {
  const out = new Set<number>();
  for (const part of data.split(',')) if (part !== '') out.add(Number.parseInt(part, 36) | 0);
  return out;
}

function slotOf(w: number, shift: number): number {
  return Math.imul(w, 0x9e3779b1) >>> shift;
}

export function loadLexicon(): Lexicon {
  return lexiconOf(decodeHashes(LEXICON_COMMON), decodeHashes(LEXICON_PROPER));
}

/** The lexicon of two hash sets (training builds its own). */
export function lexiconOf(common: ReadonlySet<number>, proper: ReadonlySet<number>): Lexicon {
  let bits = 4;
  while (1 << bits < 2 * (common.size + proper.size)) bits++;
  const keys = new Int32Array(1 << bits);
  const classes = new Uint8Array(1 << bits);
  const shift = 32 - bits;
  let zero = 0;
  const mask = (1 << bits) - 1;
  // Proper first, then common over it: a word in both is common, as the two Set lookups had it.
  for (const [set, c] of [[proper, 2], [common, 1]] as const) {
    for (const w of set) {
      if (w === 0) {
        zero = c;
        continue;
      }
      let s = slotOf(w, shift);
      while (keys[s] !== 0 && keys[s] !== w) s = (s + 1) & mask;
      keys[s] = w;
      classes[s] = c;
    }
  }
  return { common, proper, keys, classes, shift, zero };
}

/** Per token: 0 unknown, 1 common lower-case word, 2 usually capitalised (proper noun). `into` is reused when given. */
export function lexiconClasses(lex: Lexicon, t: Tokens, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(t.count);
  const { keys, classes, shift, zero } = lex;
  const mask = keys.length - 1;
  const word = t.word;
  for (let i = 0; i < t.count; i++) {
    const w = word[i] as number;
    if (w === 0) {
      out[i] = zero;
      continue;
    }
    let s = slotOf(w, shift);
    let c = 0;
    for (;;) {
      const k = keys[s] as number;
      if (k === w) {
        c = classes[s] as number;
        break;
      }
      if (k === 0) break;
      s = (s + 1) & mask;
    }
    out[i] = c;
  }
  return out;
}
