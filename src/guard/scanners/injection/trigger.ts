/** @module Where an attack could start in the middle of a huge text: one hand-written pass over the code units. */
import { deadlineAt, type DeadlineClock } from '../../deadline.js';
import type { TriggerHit } from '../../text/bounded-regions.js';

/**
 * Words and phrases that open most instructions to the assistant, lower case, matched case-insensitively at
 * the start of a word. A single space inside a phrase must be a single space, as in the regex this replaces.
 */
const WORDS = [
  'ignore', 'disregard', 'forget', 'instruction', 'system', 'prompt', 'assistant', 'jailbr', 'pretend', 'act as',
  'you are', 'from now on', 'developer mode', 'anything now', 'break character', 'override', 'bypass', 'important',
  'todo', 'reveal', 'your task', 'your goal', 'your response', 'your answer',
];

/** Candidates by first letter (a..z), as code arrays. */
const BY_FIRST: readonly (readonly Uint16Array[])[] = Array.from({ length: 26 }, (_, k) =>
  WORDS.filter((w) => w.charCodeAt(0) === 97 + k).map((w) => Uint16Array.from(w, (ch) => ch.charCodeAt(0))),
);
/** Which two-letter openings (first * 32 + second, lower case) any word has: most word starts stop at this lookup. */
const PREFIX2 = new Uint8Array(32 * 32);
for (const w of WORDS) PREFIX2[(w.charCodeAt(0) - 96) * 32 + (w.charCodeAt(1) - 96)] = 1;

/** An encoded run long enough to carry an instruction (base64 or hex; hex is a subset). */
const RUN = 48;
/** Consecutive %XX escapes. */
const PCT_RUN = 6;

const LETTER = 1;
const B64 = 2;
const HEX = 4;
const PCT = 8;
/** Class bits of each ASCII code unit: one table load instead of a chain of range tests per character. */
const CLASS = Uint8Array.from({ length: 128 }, (_, c) => {
  const letter = (c | 0x20) >= 97 && (c | 0x20) <= 122;
  const digit = c >= 48 && c <= 57;
  return (
    (letter ? LETTER : 0) |
    (letter || digit || c === 43 || c === 47 ? B64 : 0) |
    (digit || ((c | 0x20) >= 97 && (c | 0x20) <= 102) ? HEX : 0) |
    (c === 37 ? PCT : 0)
  );
});
const isHex = (c: number): boolean => c < 128 && ((CLASS[c] as number) & HEX) !== 0;

/** Invisible, bidi and tag characters (surrogate lead of U+E0000..U+E007F), Greek and Cyrillic (homoglyphs). */
function isSuspectUnit(text: string, i: number, c: number): boolean {
  if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff) return true;
  if (c >= 0x370 && c <= 0x4ff) return true;
  if (c === 0xdb40) {
    const lo = text.charCodeAt(i + 1);
    return lo >= 0xdc00 && lo <= 0xdc7f;
  }
  return false;
}

function wordAt(text: string, i: number, w: Uint16Array): boolean {
  if (i + w.length > text.length) return false;
  for (let j = 1; j < w.length; j++) {
    const e = w[j] as number;
    const c = text.charCodeAt(i + j);
    if (e === 32 ? c !== 32 : (c | 0x20) !== e) return false;
  }
  return true;
}

/**
 * The first trigger at or after `from`: an instruction word at a word start, an encoded run, or an
 * invisible, tag or homoglyph character. `dl`: checked every DEADLINE_STRIDE code units (guard/deadline.ts). Linear, no allocation; about a nanosecond per code unit on text
 * without letters, where the trigger regex it replaces cost tens (it tried every branch at every offset).
 */
export function findTrigger(text: string, from: number, dl?: DeadlineClock): TriggerHit | undefined {
  let check = 0;
  let run = 0;
  let pct = 0;
  let pctEnd = -1;
  const c0 = from > 0 ? text.charCodeAt(from - 1) : 0;
  let prevLetter = c0 < 128 && ((CLASS[c0] as number) & LETTER) !== 0;
  let prevLower = c0 >= 97 && c0 <= 122;
  const n = text.length;
  for (let i = from; i < n; i++) {
    if (i >= check) check = deadlineAt(dl, i);
    const c = text.charCodeAt(i);
    if (c >= 0x80) {
      if (isSuspectUnit(text, i, c)) return { index: i, length: 1 };
      prevLetter = false;
      prevLower = false;
      run = 0;
      continue;
    }
    const k = CLASS[c] as number;
    if ((k & LETTER) !== 0) {
      // A word starts after a non-letter, or at an upper-case letter after a lower-case one ("printSystemPrompt").
      const upper = c <= 90;
      if (!prevLetter || (upper && prevLower)) {
        prevLetter = true;
        const c2 = text.charCodeAt(i + 1) | 0x20;
        if (c2 >= 97 && c2 <= 122 && PREFIX2[((c | 0x20) - 96) * 32 + (c2 - 96)] === 1) {
          const cands = BY_FIRST[(c | 0x20) - 97] as readonly Uint16Array[];
          for (let j = 0; j < cands.length; j++) {
            const w = cands[j] as Uint16Array;
            if (wordAt(text, i, w)) return { index: i, length: w.length };
          }
        }
      }
      prevLower = !upper;
      if (++run >= RUN) return { index: i - RUN + 1, length: RUN };
      continue;
    }
    prevLetter = false;
    prevLower = false;
    if ((k & B64) !== 0) {
      if (++run >= RUN) return { index: i - RUN + 1, length: RUN };
      continue;
    }
    run = 0;
    if (k === PCT && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      // Consecutive escapes only: a run continues where the previous escape ended.
      pct = i === pctEnd ? pct + 1 : 1;
      if (pct >= PCT_RUN) return { index: i - 3 * (PCT_RUN - 1), length: 3 * PCT_RUN };
      pctEnd = i + 3;
      i += 2;
    }
  }
  return undefined;
}
