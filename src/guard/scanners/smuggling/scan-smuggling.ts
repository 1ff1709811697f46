/** @module One linear pass over a text for Unicode smuggling; a second pass builds the cleaned text when needed. */
import { encodeAscii } from '../../text/ascii.js';
import { checkDeadline, deadlineAt, type DeadlineClock, deadlineFor, type Finding, type ScanResult } from '../../types.js';
import {
  TAG_FIRST, TAG_LAST, VS_SUPP_FIRST, isBidiControl, isBidiMark, isEmojiContext, isIdeograph, isJoinerScript,
  isConfusable, isLatinLetter, isVariationSelector, isWordLetter, isZeroWidth, latinOf, variationSelectorByte,
  type Confusables,
} from './classify.js';

export type SmugglingOptions = {
  readonly homoglyphs: boolean;
  /** Printable characters a hidden run must decode to before it counts as a smuggled payload (verdict block). */
  readonly minPayload: number;
  readonly maxFindings: number;
};

const STRIP = 1;
const MAP = 2;
const DETAIL_MAX = 200;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

function cpAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return c;
}

/** ASCII characters handled one by one before the scanner jumps over the rest of the run. */
const ASCII_JUMP = 16;

const isPrintable = (b: number): boolean => b >= 0x20 && b <= 0x7e;

/** Findings and the strip/map mask, passed explicitly so the hot loop keeps its variables in registers. */
type Acc = {
  readonly findings: Finding[];
  readonly max: number;
  readonly n: number;
  overflow: string[] | undefined;
  mask: Uint8Array | undefined;
  /** Ranges marked: how fragmented the cleaned text is (see clean). */
  marks: number;
  score: number;
  payload: boolean;
};

function mark(a: Acc, start: number, end: number, how: number): void {
  const mask = (a.mask ??= new Uint8Array(a.n));
  a.marks++;
  // A loop for the short ranges (one invisible character, a tag's surrogate pair): fill() is a call into the
  // runtime, which cost more than the marking itself on text made of such characters.
  if (end - start <= 8) for (let k = start; k < end; k++) mask[k] = how;
  else mask.fill(how, start, end);
}

function add(a: Acc, type: string, start: number, end: number, s: number, detail?: string): void {
  a.score = Math.max(a.score, s);
  if (a.findings.length >= a.max) {
    // A handful of types at most: a list with an identity check costs less than a Set per overflowing finding.
    const o = (a.overflow ??= []);
    if (!o.includes(type)) o.push(type);
    return;
  }
  a.findings.push(detail === undefined ? { type, score: s, start, end } : { type, score: s, start, end, detail });
}

function flagWord(a: Acc, text: string, start: number, end: number, confusables: Confusables): void {
  add(a, 'smuggling.homoglyph', start, end, 0.6);
  for (let k = start; k < end; k++) if (isConfusable(confusables, text.charCodeAt(k))) mark(a, k, k + 1, MAP);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Texts are checked by encoding them here, a chunk of this many units at a time. */
const ASCII_SCRATCH = new Uint8Array(1 << 16);

/**
 * Whether every unit of `text` is below 0x80: encodeAscii (native) answers that several times faster than a regex
 * search (0.3 ms for 4 MiB, against 3), in chunks (a surrogate pair a chunk cuts in half is two lone ones: not ASCII).
 */
function isAscii(text: string): boolean {
  const n = text.length;
  const size = ASCII_SCRATCH.length;
  for (let from = 0; from < n; from += size) {
    const len = Math.min(size, n - from);
    if (!encodeAscii(len === n ? text : text.slice(from, from + len), ASCII_SCRATCH)) return false;
  }
  return true;
}

/**
 * `clock`: throws ScanTimeoutError once `clock.deadline` has passed, checked every DEADLINE_STRIDE code units and only
 * for a text at least that long (see guard/deadline.ts).
 */
export function scanSmuggling(text: string, opts: SmugglingOptions, confusables: Confusables, clock?: DeadlineClock): ScanResult {
  // Everything this scanner looks for is outside ASCII, and an all-ASCII text (most prompts) passes (isAscii). The
  // loop below jumps over long ASCII runs with the regex engine.
  const wide = /[\u0080-\uffff]/g;
  if (isAscii(text)) return { verdict: 'pass', score: 0, findings: [] };
  const n = text.length;
  const dl = deadlineFor(clock, n);
  const a: Acc = { findings: [], max: opts.maxFindings, n, overflow: undefined, mask: undefined, marks: 0, score: 0, payload: false };
  const homoglyphs = opts.homoglyphs;
  let wStart = -1;
  let wLatin = false;
  let wConf = false;
  let wOther = false;

  let prev = -1; // previous visible code point, for context rules
  let i = 0;
  let asciiRun = 0;
  let check = 0;
  while (i < n) {
    if (i >= check) check = deadlineAt(dl, i);
    const c0 = text.charCodeAt(i);
    if (c0 < 0x80 && ++asciiRun > ASCII_JUMP) {
      // A long ASCII run: jump to the next non-ASCII character. Only the word open at the run's start (it may hold a
      // look-alike letter) and the word open at its end matter; ASCII-only words in between can never be flagged.
      wide.lastIndex = i;
      const j = wide.test(text) ? wide.lastIndex - 1 : n;
      let p = i;
      if (wStart >= 0) {
        for (; p < j; p++) {
          const c = text.charCodeAt(p);
          if (isAsciiLetter(c)) wLatin = true;
          else if (c !== 0x27) break;
        }
        if (p < j) {
          if (wLatin && wConf && !wOther) flagWord(a, text, wStart, p, confusables);
          wStart = -1;
        }
      }
      if (p < j && homoglyphs) {
        let q = j;
        while (q > p && (isAsciiLetter(text.charCodeAt(q - 1)) || text.charCodeAt(q - 1) === 0x27)) q--;
        while (q < j && !isAsciiLetter(text.charCodeAt(q))) q++;
        if (q < j) {
          wStart = q;
          wLatin = true;
          wConf = wOther = false;
        }
      }
      prev = text.charCodeAt(j - 1);
      i = j;
      asciiRun = 0;
      continue;
    }
    if (c0 < 0x80) {
      // ASCII fast path: most text is ASCII, and only word tracking applies to it.
      const letter = (c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a);
      if (letter && homoglyphs) {
        if (wStart < 0) {
          wStart = i;
          wConf = wOther = false;
        }
        wLatin = true;
      } else if (wStart >= 0 && c0 !== 0x27) {
        if (wLatin && wConf && !wOther) flagWord(a, text, wStart, i, confusables);
        wStart = -1;
      }
      prev = c0;
      i++;
      continue;
    }
    asciiRun = 0;
    if (c0 >= 0x2070 && c0 < 0xd800 && c0 !== 0x3164) {
      // CJK, symbols and the other BMP blocks from here to the surrogates hold no tag, selector, invisible, bidi or
      // look-alike letter: such a character only ends a word (what the last branch below does for it).
      if (wStart >= 0) {
        if (wLatin && wConf && !wOther) flagWord(a, text, wStart, i, confusables);
        wStart = -1;
      }
      prev = c0;
      i++;
      continue;
    }
    if (c0 >= 0xc0 && c0 < 0x530 && c0 !== 0x34f) {
      // Latin letters with accents, IPA, modifier letters, combining marks, Greek and Cyrillic hold no tag,
      // selector, invisible or bidi character (but U+034F, an invisible joiner): only word tracking applies, as in
      // the last branch below, without its tests for those.
      if (homoglyphs && isWordLetter(c0)) {
        if (wStart < 0) {
          wStart = i;
          wLatin = wConf = wOther = false;
        }
        if (isConfusable(confusables, c0)) wConf = true;
        else if (isLatinLetter(c0)) wLatin = true;
        else wOther = true;
      } else if (wStart >= 0) {
        if (wLatin && wConf && !wOther) flagWord(a, text, wStart, i, confusables);
        wStart = -1;
      }
      prev = c0;
      i++;
      continue;
    }
    const cp = cpAt(text, i);
    const len = cp > 0xffff ? 2 : 1;
    if (cp >= TAG_FIRST && cp <= TAG_LAST) {
      let j = i;
      let decoded = '';
      let printable = 0;
      let last = cp;
      while (j < n) {
        const t = cpAt(text, j);
        if (t < TAG_FIRST || t > TAG_LAST) break;
        const b = t - TAG_FIRST;
        if (isPrintable(b)) {
          printable++;
          if (decoded.length < DETAIL_MAX && a.findings.length < a.max) decoded += String.fromCharCode(b);
        }
        last = t;
        j += 2;
      }
      // Subdivision flags (England, Scotland, Wales) are a black flag, a few tag letters and CANCEL TAG.
      const isFlag = prev === BLACK_FLAG && last === CANCEL_TAG && j - i <= 14;
      if (!isFlag) {
        const isPayload = printable >= opts.minPayload;
        a.payload ||= isPayload;
        add(a, 'smuggling.tag', i, j, isPayload ? 1 : 0.7, decoded);
        mark(a, i, j, STRIP);
      }
      i = j;
      continue;
    }
    if (isVariationSelector(cp)) {
      let j = i;
      let count = 0;
      let decoded = '';
      let printable = 0;
      while (j < n) {
        const v = cpAt(text, j);
        if (!isVariationSelector(v)) break;
        const b = variationSelectorByte(v);
        if (isPrintable(b)) {
          printable++;
          if (decoded.length < DETAIL_MAX) decoded += String.fromCharCode(b);
        }
        count++;
        j += v > 0xffff ? 2 : 1;
      }
      // One selector after its proper base is ordinary (emoji presentation, CJK ideographic variants).
      const abusive = count >= 2 || (cp >= VS_SUPP_FIRST && !isIdeograph(prev)) || prev < 0;
      if (abusive) {
        const isPayload = printable >= opts.minPayload;
        a.payload ||= isPayload;
        add(a, 'smuggling.variation_selector', i, j, isPayload ? 0.95 : 0.6, decoded);
        mark(a, i, j, STRIP);
      }
      i = j;
      continue;
    }
    if (isZeroWidth(cp)) {
      const next = i + 1 < n ? cpAt(text, i + 1) : -1;
      const ordinary =
        (cp === 0xfeff && i === 0) ||
        (cp === 0x200d && isEmojiContext(prev) && isEmojiContext(next)) ||
        (cp === 0x200c && isJoinerScript(prev));
      if (!ordinary) {
        let j = i + 1;
        while (j < n && isZeroWidth(text.charCodeAt(j))) j++;
        add(a, 'smuggling.zero_width', i, j, cp === 0x00ad ? 0.3 : 0.5);
        mark(a, i, j, STRIP);
        i = j;
        continue;
      }
      i += 1;
      continue;
    }
    if (isBidiControl(cp) || (isBidiMark(cp) && isLatinLetter(prev) && i + 1 < n && isLatinLetter(text.charCodeAt(i + 1)))) {
      add(a, 'smuggling.bidi', i, i + 1, 0.7);
      mark(a, i, i + 1, STRIP);
      i += 1;
      continue;
    }
    if (homoglyphs && len === 1 && isWordLetter(cp)) {
      if (wStart < 0) {
        wStart = i;
        wLatin = wConf = wOther = false;
      }
      if (isConfusable(confusables, cp)) wConf = true;
      else if (isLatinLetter(cp)) wLatin = true;
      else wOther = true;
    } else if (wStart >= 0 && cp !== 0x2019) {
      if (wLatin && wConf && !wOther) flagWord(a, text, wStart, i, confusables);
      wStart = -1;
    }
    prev = cp;
    i += len;
  }
  if (wStart >= 0 && wLatin && wConf && !wOther) flagWord(a, text, wStart, n, confusables);
  const { findings, overflow, mask, score, payload } = a;

  if (findings.length === 0 && overflow === undefined) return { verdict: 'pass', score: 0, findings: [] };
  if (overflow !== undefined) for (const type of overflow) findings.push({ type, score });
  if (payload) return { verdict: 'block', score, findings };
  checkDeadline(dl);
  return { verdict: 'redact', score, findings, text: mask === undefined ? text : clean(text, mask, a.marks, confusables, dl) };
}

/** Above this many marked ranges, the cleaned text is assembled in a code-unit buffer rather than from slices. */
const MANY_MARKS = 1024;

function clean(text: string, mask: Uint8Array, marks: number, confusables: Confusables, dl: DeadlineClock | undefined): string {
  if (marks > MANY_MARKS) return cleanFragmented(text, mask, confusables, dl);
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const m = mask[i];
    if (m === 0) continue;
    out += text.slice(from, i);
    if (m === MAP) out += latinOf(confusables, text.charCodeAt(i)) ?? text.charAt(i);
    from = i + 1;
  }
  return out + text.slice(from);
}

/**
 * The same result for a text with many marks (4 MiB of interleaved invisible characters): one string per slice
 * there made millions of short-lived strings and most of the scan's time went to collecting them.
 */
function cleanFragmented(text: string, mask: Uint8Array, confusables: Confusables, dl: DeadlineClock | undefined): string {
  const n = text.length;
  // One chunk-sized buffer turned into a string whenever full, not a buffer the size of the text: 8 MB of fresh
  // external memory per scan of a 4 MiB text brought on full garbage collections.
  const CHUNK = 8192;
  const buf = new Uint16Array(CHUNK);
  let k = 0;
  let out = '';
  let check = 0;
  for (let i = 0; i < n; i++) {
    const m = mask[i];
    if (m === STRIP) continue;
    let c = text.charCodeAt(i);
    if (m === MAP) {
      const l = c < 0x2000 ? (confusables[c] ?? 0) : 0;
      if (l !== 0) c = l;
    }
    if (k === CHUNK) {
      out += String.fromCharCode.apply(null, buf as unknown as number[]);
      k = 0;
      if (i >= check) check = deadlineAt(dl, i); // here, off the per-character path
    }
    buf[k++] = c;
  }
  if (k > 0) out += String.fromCharCode.apply(null, buf.subarray(0, k) as unknown as number[]);
  return out;
}
