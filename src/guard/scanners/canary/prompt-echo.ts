/** @module Verbatim system-prompt chunks in an answer: hashed word shingles, linear in both texts. */

export type Words = { readonly hashes: Int32Array; readonly starts: Int32Array; readonly ends: Int32Array; readonly text: string };

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased word hashes (FNV-1a) with their code-unit spans; at most `maxWords` words. */
export function words(text: string, maxWords: number): Words {
  const hashes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const re = new RegExp(WORD.source, WORD.flags);
  for (let m = re.exec(text); m !== null && hashes.length < maxWords; m = re.exec(text)) {
    const w = m[0].toLowerCase();
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
    hashes.push(h | 0);
    starts.push(m.index);
    ends.push(m.index + m[0].length);
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
    const x = a.text.slice(a.starts[ai + j] ?? 0, a.ends[ai + j] ?? 0).toLowerCase();
    const y = b.text.slice(b.starts[bi + j] ?? 0, b.ends[bi + j] ?? 0).toLowerCase();
    if (x !== y) return false;
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
