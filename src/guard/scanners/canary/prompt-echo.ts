/** @module Verbatim system-prompt chunks in an answer: hashed word shingles, linear in both texts. */

export type Words = { readonly hashes: Int32Array; readonly starts: Int32Array; readonly ends: Int32Array; readonly text: string };

/**
 * Word characters without a Unicode-property regex (a match object per word made this the slowest part): ASCII
 * letters and digits, and every code unit from U+00AA up except punctuation, symbol and invisible blocks.
 */
function isWordUnit(c: number): boolean {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (c < 0xaa || c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe00 && c <= 0xfe0f) return false;
  return !(c >= 0xff00 && c <= 0xff0f) && c !== 0xfeff;
}

const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

/** ASCII-case-folded word hashes (FNV-1a) with their code-unit spans; at most `maxWords` words. */
export function words(text: string, maxWords: number): Words {
  const hashes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let h = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (isWordUnit(c)) {
      if (start < 0) {
        start = i;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ fold(c), 0x01000193);
    } else if (start >= 0) {
      hashes.push(h | 0);
      starts.push(start);
      ends.push(i);
      start = -1;
      if (hashes.length >= maxWords) break;
    }
  }
  return { hashes: Int32Array.from(hashes), starts: Int32Array.from(starts), ends: Int32Array.from(ends), text };
}

function shingle(h: Int32Array, at: number, k: number): number {
  let x = 0x9e3779b9 | 0;
  for (let j = 0; j < k; j++) x = Math.imul(x ^ (h[at + j] ?? 0), 0x85ebca6b) ^ (x >>> 13);
  return x | 0;
}

export type PromptIndex = { readonly words: Words; readonly k: number; readonly first: ReadonlyMap<number, number> };

/** Shingle hash -> first word index in the system prompt. Built once per system prompt. */
export function indexPrompt(systemPrompt: string, k: number, maxWords: number): PromptIndex {
  const w = words(systemPrompt, maxWords);
  const first = new Map<number, number>();
  for (let i = 0; i + k <= w.hashes.length; i++) {
    const s = shingle(w.hashes, i, k);
    if (!first.has(s)) first.set(s, i);
  }
  return { words: w, k, first };
}

function sameWords(a: Words, ai: number, b: Words, bi: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    const as = a.starts[ai + j] ?? 0;
    const bs = b.starts[bi + j] ?? 0;
    const len = (a.ends[ai + j] ?? 0) - as;
    if (len !== (b.ends[bi + j] ?? 0) - bs) return false;
    for (let x = 0; x < len; x++) if (fold(a.text.charCodeAt(as + x)) !== fold(b.text.charCodeAt(bs + x))) return false;
  }
  return true;
}

export type Echo = { readonly start: number; readonly end: number; readonly words: number };

/**
 * Runs of answer words that repeat >= k consecutive prompt words. Each answer position hashes k words (k is
 * bounded by the options), and a hit is verified word by word to rule out hash collisions.
 */
export function findEchoes(answer: string, index: PromptIndex, maxWords: number, maxEchoes: number): Echo[] {
  const { k } = index;
  const out: Echo[] = [];
  if (index.first.size === 0) return out;
  const a = words(answer, maxWords);
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i + k <= a.hashes.length; i++) {
    const at = index.first.get(shingle(a.hashes, i, k));
    const hit = at !== undefined && sameWords(a, i, index.words, at, k);
    if (hit) {
      if (runStart < 0) runStart = i;
      runEnd = i + k - 1;
    } else if (runStart >= 0 && i > runEnd) {
      out.push(echoOf(a, runStart, runEnd));
      runStart = -1;
      if (out.length >= maxEchoes) return out;
    }
  }
  if (runStart >= 0) out.push(echoOf(a, runStart, runEnd));
  return out;
}

function echoOf(a: Words, first: number, last: number): Echo {
  return { start: a.starts[first] ?? 0, end: a.ends[last] ?? 0, words: last - first + 1 };
}
