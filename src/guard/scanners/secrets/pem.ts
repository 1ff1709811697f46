/** @module PEM and PGP private-key blocks, reported line by line (header, each base64 body line, footer) as the data labels them. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom } from '../../text/chunked-search.js';
import { type SecretEntity, shannonEntropy } from './filters.js';


const MAX_BLOCK = 64 * 1024;
const MIN_BODY_RUN = 12;

function isB64(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61;
}

/** Marker `-----BEGIN ... PRIVATE KEY...-----` or `-----END ...-----` starting at `i`; returns its end or -1. */
function markerEnd(text: string, i: number, word: string): number {
  if (!text.startsWith(word, i + 5)) return -1;
  const close = text.indexOf('-----', i + 5 + word.length);
  if (close === -1 || close - i > 100) return -1;
  const label = text.slice(i + 5 + word.length, close);
  if (label.includes('\n')) return -1;
  return close + 5;
}

/** Whether only line-suffix characters (quotes, `\n` escapes, `+`, `,`) stand between `p` and the line's end. */
function atLineEnd(text: string, p: number, end: number): boolean {
  for (let i = p; i < end && i - p < 8; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c === 110 && text.charCodeAt(i - 1) === 92) continue; // the n of a `\n` escape
    if (!isLineSuffix(c)) return false;
  }
  return true;
}

/**
 * Three lower-case words in a row on a line that is not an armour header (`Version: GnuPG v2`): prose such as "not
 * a real key" written into a key's body.
 */
const BODY_PROSE = /^[^:\n]*(?:^|[ \t])[a-z]{1,10} [a-z]{1,10} [a-z]{1,10}(?=[ \t\r]|$)/m;

/**
 * A block that shows a key without being one: an ellipsis where lines were cut (`…kbB/K4RU...impQ6sr`), or prose in
 * the body. Both are documentation of a key's shape; no usable key material is in the text.
 */
function illustrative(body: string): boolean {
  return body.includes('...') || body.includes('\u2026') || BODY_PROSE.test(body);
}

/** `dl`: a deadline checked every DEADLINE_STRIDE code units of progress (see guard/deadline.ts). */
export function findPrivateKeys(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  let from = 0;
  let check = 0;
  for (let b = indexOfFrom(text, '-----BEGIN ', from, dl); b !== -1; b = indexOfFrom(text, '-----BEGIN ', from, dl)) {
    if (b >= check) check = deadlineAt(dl, b);
    from = b + 11;
    const headEnd = markerEnd(text, b, 'BEGIN ');
    if (headEnd === -1 || !text.slice(b, headEnd).includes('PRIVATE KEY')) continue;
    const limit = Math.min(text.length, headEnd + MAX_BLOCK);
    // Looked for up to `limit` only: a search to the end of the text for each of many headers without a footer was
    // quadratic.
    const foot = text.slice(headEnd, Math.min(text.length, limit + 9)).indexOf('-----END ');
    const end = foot === -1 ? limit : headEnd + foot;
    const footEnd = end < limit ? markerEnd(text, end, 'END ') : -1;
    from = Math.max(from, end < limit ? (footEnd === -1 ? end + 9 : footEnd) : end);
    if (illustrative(text.slice(headEnd, end))) continue;
    const first = out.length;
    out.push({ type: 'PRIVATE_KEY', start: b, end: headEnd, score: 0.99 });
    // Body: every base64 run long enough to be key material, whatever the quoting or line prefixes around it; a
    // short run only as a line's padded end (`qwI=`), not a `name=` before a quote.
    let material = 0;
    let p = headEnd;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (!isB64(c)) {
        p++;
        continue;
      }
      const s = p;
      while (p < end && isB64(text.charCodeAt(p))) p++;
      if (p - s >= MIN_BODY_RUN) material++;
      if (p - s >= MIN_BODY_RUN || (p - s >= 4 && text.charCodeAt(p - 1) === 61 && atLineEnd(text, p, end))) out.push({ type: 'PRIVATE_KEY', start: s, end: p, score: 0.95 });
    }
    if (footEnd !== -1) out.push({ type: 'PRIVATE_KEY', start: end, end: footEnd, score: 0.99 });
    // A header and footer with nothing between them (`header = "-----BEGIN … PRIVATE KEY-----"` in a parser) name a
    // key's format; a text cut right after the header (no footer in reach) is still reported.
    if (material === 0 && footEnd !== -1) out.length = first;
  }
}

/** PEM and PGP bodies are base64 in lines of exactly this many characters (RFC 7468, RFC 4880). */
const PEM_LINE = 64;
/** Consecutive full-width lines that make a key body without its header (a quoted or commented-out key, or a cut one). */
const MIN_HEADLESS_LINES = 3;

/** What may follow a body line before its end: a closing quote, `\n`, a concatenation or a comma. */
function isLineSuffix(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 34 || c === 39 || c === 92 || c === 43 || c === 44 || c === 59 || c === 41;
}

/** Longest line prefix before a body run: comment marks, quoting, a log line's timestamp. */
const MAX_LINE_PREFIX = 48;

function hasLetter(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** Lines after a headless body that still belong to the key: its last, shorter line, a PGP checksum, the footer. */
const MAX_TAIL_LINES = 3;

/**
 * The end of a headless key whose full-width lines stopped at the line [ls, le): up to MAX_TAIL_LINES lines that end
 * in a shorter base64 run (`…SH2lV`, `=JG+I`, `qwI=`) after a short prefix without letters, then an
 * `-----END … PRIVATE KEY…-----` footer, each reported. Returns where scanning goes on (after the last line taken), or
 * -1 when the first line is not part of the key.
 */
function keyTail(text: string, ls: number, le: number, out: SecretEntity[]): number {
  let taken = -1;
  const maxLine = PEM_LINE + MAX_LINE_PREFIX + 4;
  for (let line = 0; line <= MAX_TAIL_LINES && ls < text.length; line++) {
    if (line > 0) {
      // Searched no further than a tail line can reach: many short key runs must not each search the whole text.
      le = ls;
      while (le < text.length && le - ls <= maxLine && text.charCodeAt(le) !== 10) le++;
    }
    if (le - ls > maxLine) return taken;
    const at = text.slice(ls, le).indexOf('-----END ');
    const foot = at === -1 ? -1 : ls + at;
    if (foot !== -1) {
      const footEnd = markerEnd(text, foot, 'END ');
      if (footEnd === -1 || !text.slice(foot, footEnd).includes('PRIVATE KEY')) return taken;
      out.push({ type: 'PRIVATE_KEY', start: foot, end: footEnd, score: 0.95 });
      return le + 1;
    }
    if (line === MAX_TAIL_LINES) return taken;
    let e = le;
    while (e > ls && le - e < 4 && isLineSuffix(text.charCodeAt(e - 1))) e--;
    let s = e;
    while (s > ls && isB64(text.charCodeAt(s - 1))) s--;
    const prev = s > ls ? text.charCodeAt(s - 1) : 32;
    if (e - s < 4 || e - s >= PEM_LINE || s - ls > MAX_LINE_PREFIX || (prev !== 32 && prev !== 9 && prev !== 34 && prev !== 39)) return taken;
    // Code after a key (`return pkey;`) has words before its last run; a key line's prefix has none.
    if (hasLetter(text, ls, s)) return taken;
    out.push({ type: 'PRIVATE_KEY', start: s, end: e, score: 0.85 });
    taken = le + 1;
    ls = le + 1;
  }
  return taken;
}

/**
 * Key material whose `-----BEGIN … PRIVATE KEY-----` header is not in the text (cut off, or the key is pasted
 * without it): three or more consecutive lines each ending in a base64 run of exactly 64 characters of
 * random-looking text, the width only PEM and PGP armour use (MIME wraps at 76), after at most a short prefix
 * (`  *  `, `# `, a log timestamp). Each such line is reported, as for a full block.
 */
export function findHeadlessKeyLines(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  if (text.length < MIN_HEADLESS_LINES * PEM_LINE) return;
  let runStart = out.length;
  let runLines = 0;
  let check = 0;
  for (let ls = 0; ls < text.length; ) {
    if (ls >= check) check = deadlineAt(dl, ls);
    const nl = indexOfFrom(text, '\n', ls, dl);
    const le = nl === -1 ? text.length : nl;
    let body = false;
    if (le - ls >= PEM_LINE && le - ls <= PEM_LINE + MAX_LINE_PREFIX + 4) {
      let e = le;
      while (e > ls && le - e < 4 && isLineSuffix(text.charCodeAt(e - 1))) e--;
      let s = e;
      while (s > ls && isB64(text.charCodeAt(s - 1))) s--;
      if (e - s === PEM_LINE && shannonEntropy(text.slice(s, e)) >= 4.5) {
        if (runLines === 0) runStart = out.length;
        out.push({ type: 'PRIVATE_KEY', start: s, end: e, score: 0.85 });
        runLines++;
        body = true;
      }
    }
    // A run too short to be key material is taken back; a long enough one takes in the block's tail.
    if (!body && runLines > 0) {
      if (runLines < MIN_HEADLESS_LINES) out.length = runStart;
      else {
        const next = keyTail(text, ls, le, out);
        if (next !== -1) {
          runLines = 0;
          ls = next;
          continue;
        }
      }
      runLines = 0;
    }
    ls = le + 1;
  }
  if (runLines > 0 && runLines < MIN_HEADLESS_LINES) out.length = runStart;
}
