/**
 * @module Harmful-specific features on top of the shared hashed n-grams: stemmed word uni/bigrams (so
 * "stabbing", "stabbed" and "stab" are one feature) and lexicon groups with their request-shape
 * interactions ("how do I" + a weapon, a slur + a group of people, "without getting caught").
 */
import { hashFeatures } from '../../text/hashed-features.js';
import { tfVector, wholeRange, type TfScratch } from '../../text/tf-vector.js';
import { LEXICON, LEXICON_GROUPS, type LexiconGroup } from './lexicon.js';

const FNV_PRIME = 16777619;
const SEED_TOKEN = 0x811c9dc5;
const SEED_STEM = 0x3c6ef372;
const SEED_STEM2 = 0xa54ff53a;
const SEED_PHRASE = 0x510e527f;
const SEED_LEX = 0x1f83d9ab;
const MAX_PHRASE = 4;

function mix(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff));
}

function isVowel(c: number): boolean {
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117;
}

/**
 * Hash of a crude stem of `s[from, to)` (lower case): plural s, -ing, -ed, -ly, -er and a final e are cut, a
 * doubled final consonant is undone, a final y counts as i. Only what makes word forms meet, not English.
 */
export function stemHash(s: string, from: number, to: number): number {
  let end = to;
  let len = end - from;
  let c1 = s.charCodeAt(end - 1);
  let c2 = len > 1 ? s.charCodeAt(end - 2) : 0;
  if (len > 3 && c1 === 115 && c2 !== 115 && c2 !== 117 && c2 !== 105) {
    end--;
    len--;
    c1 = c2;
    c2 = s.charCodeAt(end - 2);
  }
  let cut = false;
  if (len > 5 && c1 === 103 && c2 === 110 && s.charCodeAt(end - 3) === 105) {
    end -= 3;
    cut = true;
  } else if (len > 4 && c1 === 100 && c2 === 101) {
    end -= 2;
    cut = true;
  } else if (len > 5 && c1 === 121 && c2 === 108) {
    end -= 2;
  } else if (len > 5 && c1 === 114 && c2 === 101) {
    end -= 2;
    cut = true;
  }
  if (cut && end - from > 3) {
    const a = s.charCodeAt(end - 1);
    if (a === s.charCodeAt(end - 2) && !isVowel(a) && a !== 108 && a !== 115 && a !== 122) end--;
  }
  if (end - from > 3 && s.charCodeAt(end - 1) === 101) end--;
  let h = SEED_TOKEN;
  for (let i = from; i < end - 1; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  if (end > from) {
    const c = s.charCodeAt(end - 1);
    h = Math.imul(h ^ (c === 121 ? 105 : c), FNV_PRIME);
  }
  return h >>> 0;
}

/** Stem hashes of the words of `lower` (already lower-cased), at most `max` of them. */
export function tokenHashes(lower: string, out: Uint32Array, max = out.length): number {
  let n = 0;
  let start = -1;
  for (let i = 0; i <= lower.length && n < max; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (isLetter(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out[n++] = stemHash(lower, start, i);
      start = -1;
    }
  }
  return n;
}

function phraseStep(h: number, tok: number): number {
  return Math.imul(h ^ tok, FNV_PRIME) >>> 0;
}

const GROUP_INDEX = new Map<LexiconGroup, number>(LEXICON_GROUPS.map((g, i) => [g, i]));

const PREFIX = 1 << 30;

/** Phrase hash (chained over stem hashes) -> bit mask of groups, plus PREFIX when a longer phrase starts so. */
function buildLexicon(): Map<number, number> {
  if (LEXICON_GROUPS.length > 30) throw new Error('lexicon groups must fit in 30 bits');
  const m = new Map<number, number>();
  const buf = new Uint32Array(16);
  for (const g of LEXICON_GROUPS) {
    const bit = 1 << (GROUP_INDEX.get(g) as number);
    for (const entry of LEXICON[g]) {
      const n = tokenHashes(entry.toLowerCase(), buf);
      if (n === 0 || n > MAX_PHRASE) throw new Error(`lexicon entry of ${n} words: ${entry}`);
      let h = SEED_PHRASE;
      for (let i = 0; i < n; i++) {
        h = phraseStep(h, buf[i] as number);
        // A proper prefix of a phrase is marked, so matching stops as soon as no entry can follow.
        m.set(h, (m.get(h) ?? 0) | (i === n - 1 ? bit : PREFIX));
      }
    }
  }
  return m;
}

let lexicon: Map<number, number> | undefined;

const G = (g: LexiconGroup): number => GROUP_INDEX.get(g) as number;
const HARM: readonly LexiconGroup[] = [
  'violence', 'weapon', 'drug', 'cyber', 'fraud', 'crime', 'slur', 'sexual', 'self_harm', 'harass', 'privacy',
  'misinfo', 'copyright', 'evasion', 'profanity', 'extremism', 'insult',
];
/** Pairs of groups whose joint presence is a feature of its own. */
const PAIRS: readonly (readonly [LexiconGroup, LexiconGroup])[] = [
  ...HARM.map((g) => ['request', g] as const),
  ['target', 'violence'], ['target', 'harass'], ['target', 'privacy'], ['target', 'sexual'], ['target', 'insult'],
  ['first_person', 'self_harm'], ['first_person', 'violence'], ['evasion', 'crime'], ['evasion', 'violence'],
  ['stereotype', 'hate_group'], ['hate_group', 'insult'], ['hate_group', 'slur'], ['hate_group', 'violence'],
  ['hate_group', 'extremism'], ['minor', 'sexual'], ['minor', 'violence'], ['safety', 'cyber'],
  ['safety', 'violence'], ['safety', 'crime'], ['safety', 'self_harm'], ['benign_tech', 'violence'],
  ['benign_tech', 'cyber'], ['request', 'evasion'], ['sexual', 'profanity'],
];

/** Names of the dense lexicon features, in order (for the report and the tests). */
export const LEXICON_FEATURES: readonly string[] = [
  ...LEXICON_GROUPS.map((g) => `any:${g}`),
  ...LEXICON_GROUPS.map((g) => `density:${g}`),
  ...PAIRS.map(([a, b]) => `${a}&${b}`),
  'harm>=1', 'harm>=2', 'harm>=3',
];
const LEX_IDS = LEXICON_FEATURES.map((name) => {
  let h = SEED_LEX;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), FNV_PRIME);
  return mix(h);
});

export type HarmfulFeatureScratch = {
  toks: Uint32Array;
  counts: Float64Array;
  ids: Int32Array;
  vals: Float32Array;
  /** Stem-block counts by id, all zero between calls; sized to the mask on first use. */
  cnt: Uint16Array;
};

export function createFeatureScratch(): HarmfulFeatureScratch {
  return {
    toks: new Uint32Array(1 << 12),
    counts: new Float64Array(LEXICON_GROUPS.length),
    ids: new Int32Array(1 << 13),
    vals: new Float32Array(1 << 13),
    cnt: new Uint16Array(0),
  };
}

export type ExtraWeights = { readonly stem: number; readonly lex: number };

/**
 * The stem and lexicon blocks of `text` as sparse entries (ids masked to `mask`): stem uni/bigrams with
 * sublinear counts, L2-normalised and scaled by `w.stem`; lexicon features in [0, 1] scaled by `w.lex`.
 * Returns the entry count; the entries alias the scratch.
 */
export function extraFeatures(text: string, mask: number, w: ExtraWeights, s: HarmfulFeatureScratch): number {
  const lower = text.toLowerCase();
  if (s.toks.length < lower.length / 2 + 2) s.toks = new Uint32Array(Math.ceil(lower.length / 2) + 2);
  const nt = tokenHashes(lower, s.toks);
  const toks = s.toks;
  const need = 2 * nt + LEX_IDS.length + 2;
  if (s.ids.length < need) {
    s.ids = new Int32Array(need);
    s.vals = new Float32Array(need);
  }
  const ids = s.ids;
  const vals = s.vals;
  let n = 0;
  // Stem block: counts in a per-id array (cleared as it is read), not a Map: this is the hot loop.
  if (w.stem > 0) {
    if (s.cnt.length !== mask + 1) s.cnt = new Uint16Array(mask + 1);
    const cnt = s.cnt;
    const first = n;
    const add = (id: number): void => {
      const c = cnt[id] as number;
      if (c === 0) ids[n++] = id;
      if (c < 0xffff) cnt[id] = c + 1;
    };
    for (let i = 0; i < nt; i++) {
      const t = toks[i] as number;
      add((mix(t ^ SEED_STEM) & mask) | 0);
      if (i > 0) add((mix(Math.imul((toks[i - 1] as number) ^ SEED_STEM2, FNV_PRIME) ^ t) & mask) | 0);
    }
    let ss = 0;
    for (let k = first; k < n; k++) {
      const id = ids[k] as number;
      const c = cnt[id] as number;
      cnt[id] = 0;
      const v = c === 1 ? 1 : 1 + Math.log(c);
      vals[k] = v;
      ss += v * v;
    }
    const scale = ss > 0 ? w.stem / Math.sqrt(ss) : 0;
    for (let k = first; k < n; k++) vals[k] = (vals[k] as number) * scale;
  }
  // Lexicon block.
  if (w.lex > 0) {
    const lex = (lexicon ??= buildLexicon());
    const counts = s.counts;
    counts.fill(0);
    for (let i = 0; i < nt; i++) {
      let h = SEED_PHRASE;
      const lim = Math.min(nt, i + MAX_PHRASE);
      for (let j = i; j < lim; j++) {
        h = phraseStep(h, toks[j] as number);
        const m = lex.get(h);
        if (m === undefined) break;
        for (let g = 0; g < LEXICON_GROUPS.length; g++) if ((m >>> g) & 1) counts[g] = (counts[g] as number) + 1;
      }
    }
    let k = 0;
    const put = (v: number): void => {
      if (v !== 0) {
        ids[n] = ((LEX_IDS[k] as number) & mask) | 0;
        vals[n++] = v * w.lex;
      }
      k++;
    };
    const ng = LEXICON_GROUPS.length;
    for (let g = 0; g < ng; g++) put((counts[g] as number) > 0 ? 1 : 0);
    const words = Math.max(nt, 8);
    for (let g = 0; g < ng; g++) put(Math.min(1, Math.sqrt((counts[g] as number) / words) * 2));
    for (const [a, b] of PAIRS) put((counts[G(a)] as number) > 0 && (counts[G(b)] as number) > 0 ? 1 : 0);
    let harm = 0;
    for (const g of HARM) if ((counts[G(g)] as number) > 0) harm++;
    put(harm >= 1 ? 1 : 0);
    put(harm >= 2 ? 1 : 0);
    put(harm >= 3 ? 1 : 0);
  }
  return n;
}

/** The lexicon groups `text` hits, for tests and explanations. */
export function lexiconGroups(text: string): LexiconGroup[] {
  const s = createFeatureScratch();
  const lex = (lexicon ??= buildLexicon());
  const nt = tokenHashes(text.toLowerCase(), (s.toks = new Uint32Array(text.length + 2)));
  let mask = 0;
  for (let i = 0; i < nt; i++) {
    let h = SEED_PHRASE;
    for (let j = i; j < Math.min(nt, i + MAX_PHRASE); j++) {
      h = phraseStep(h, s.toks[j] as number);
      const m = lex.get(h);
      if (m === undefined) break;
      mask |= m & ~PREFIX;
    }
  }
  return LEXICON_GROUPS.filter((_, g) => (mask >>> g) & 1);
}

export type SparseEntries = { readonly ids: Int32Array; readonly vals: Float32Array };

/**
 * The whole feature vector of the main head for training (the scorer computes the same dot product
 * without building it): shared n-grams of `hashFeatures` + `tfVector`, then the stem and lexicon blocks.
 * `text` must already be in scan form (`normalizeForScan`).
 */
export function harmfulVector(text: string, dim: number, wordWeight: number, extra: ExtraWeights, tf: TfScratch, fs: HarmfulFeatureScratch): SparseEntries {
  const f = hashFeatures(text, dim - 1);
  const v = tfVector(f, wholeRange(f), tf, wordWeight);
  const n = extraFeatures(text, dim - 1, extra, fs);
  const ids = new Int32Array(v.n + n);
  const vals = new Float32Array(v.n + n);
  ids.set(v.ids.subarray(0, v.n));
  vals.set(v.vals.subarray(0, v.n));
  ids.set(fs.ids.subarray(0, n), v.n);
  vals.set(fs.vals.subarray(0, n), v.n);
  return { ids, vals };
}
