/** @module URL recogniser: scheme URLs found by indexOf('://'), `www.` URLs, bounded extent and host validation. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom } from '../../text/chunked-search.js';
import { boundaryBefore, isAsciiLetter, lowerAscii } from './chars.js';
import { isPublicHostAt, validHostAt } from './domain.js';
import { KIND, type SpanList } from './spans.js';
import { ipv4At, ipv4IsNonPersonalAt } from './ip.js';

const MAX_URL = 2048;
const SCHEME_LIST: readonly string[] = ['http', 'https', 'ftp', 'ftps', 'sftp', 'ws', 'wss'];

function isUrlChar(c: number): boolean {
  // Printable ASCII minus whitespace and the delimiters that end a URL in prose, markup and code.
  return c > 32 && c < 127 && c !== 34 && c !== 39 && c !== 60 && c !== 62 && c !== 96 && c !== 123 && c !== 125 && c !== 124 && c !== 92;
}

/** End of the URL starting at `s`: bounded scan, trailing sentence punctuation dropped, parentheses balanced. */
function urlEnd(text: string, s: number): number {
  const n = Math.min(text.length, s + MAX_URL);
  let e = s;
  let open = 0;
  while (e < n) {
    const c = text.charCodeAt(e);
    if (!isUrlChar(c)) break;
    if (c === 40) open++;
    else if (c === 41) {
      if (open === 0) break;
      open--;
    }
    e++;
  }
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 93) e--;
    else break;
  }
  return e;
}

/** End of the authority starting at `hostStart`: the first '/', '?' or '#' before `end`. */
function authorityEnd(text: string, hostStart: number, end: number): number {
  for (let i = hostStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) return i;
  }
  return end;
}

/** Start of the host in the authority [hostStart, stop): after the last '@' (userinfo skipped). */
function hostStartOf(text: string, hostStart: number, stop: number): number {
  // Bounded to the authority: an unbounded lastIndexOf would make many URLs quadratic.
  for (let i = stop - 1; i >= hostStart; i--) if (text.charCodeAt(i) === 64) return i + 1;
  return hostStart;
}

/**
 * End of the host starting at `h` in an authority ending at `stop`: a bracketed IPv6 literal up to its ']' (an empty
 * host when unclosed), else up to the port. Host and end are ranges of the text, where a lower-cased slice per URL was;
 * the checks fold ASCII case themselves, and URL characters are ASCII.
 */
function hostEndOf(text: string, h: number, stop: number): number {
  if (text.charCodeAt(h) === 91) {
    for (let i = h; i < stop; i++) if (text.charCodeAt(i) === 93) return i + 1;
    return h;
  }
  let e = h;
  while (e < stop && text.charCodeAt(e) !== 58) e++;
  return e;
}

/** Whether the host of the URL whose authority starts at `hostStart` and which ends at `end` is one to report. */
function urlHostOk(text: string, hostStart: number, end: number): boolean {
  const stop = authorityEnd(text, hostStart, end);
  const h = hostStartOf(text, hostStart, stop);
  return acceptableHost(text, h, hostEndOf(text, h, stop));
}

function acceptableHost(text: string, s: number, e: number): boolean {
  if (s < e && text.charCodeAt(s) === 91) return e - s > 3;
  const v4 = ipv4At(text, s, e);
  if (v4 !== -1) return !ipv4IsNonPersonalAt(text, s, e, v4);
  return validHostAt(text, s, e) && !isPublicHostAt(text, s, e);
}

/** Whether text[s, p) is one of SCHEMES, ignoring ASCII case (what the lower-cased slice was compared with). */
function isScheme(text: string, s: number, p: number): boolean {
  for (const scheme of SCHEME_LIST) {
    if (p - s !== scheme.length) continue;
    let k = 0;
    while (k < scheme.length && lowerAscii(text.charCodeAt(s + k)) === scheme.charCodeAt(k)) k++;
    if (k === scheme.length) return true;
  }
  return false;
}

/** `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. */
export function findUrls(text: string, out: SpanList, dl?: DeadlineClock): void {
  let from = 0;
  let check = 0;
  for (let p = indexOfFrom(text, '://', from, dl); p !== -1; p = indexOfFrom(text, '://', from, dl)) {
    if (p >= check) check = deadlineAt(dl, p);
    from = p + 3;
    let s = p;
    while (s > 0 && p - s < 6 && isAsciiLetter(text.charCodeAt(s - 1))) s--;
    if (!isScheme(text, s, p) || !boundaryBefore(text, s)) continue;
    const e = urlEnd(text, p + 3);
    if (e <= p + 3) continue;
    if (urlHostOk(text, p + 3, e)) out.add(KIND.URL, s, e, 0.9);
    from = Math.max(from, e);
  }
  from = 0;
  check = 0;
  for (let w = indexOfFrom(text, 'www.', from, dl); w !== -1; w = indexOfFrom(text, 'www.', from, dl)) {
    if (w >= check) check = deadlineAt(dl, w);
    from = w + 4;
    if (!boundaryBefore(text, w) || (w >= 3 && text.startsWith('://', w - 3))) continue;
    const e = urlEnd(text, w);
    if (urlHostOk(text, w, e)) out.add(KIND.URL, w, e, 0.85);
    from = Math.max(from, e);
  }
}
