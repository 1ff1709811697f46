/** @module URL recogniser: scheme URLs found by indexOf('://'), `www.` URLs, bounded extent and host validation. */
import { boundaryBefore, isAsciiLetter, lowerAscii } from './chars.js';
import { isPublicHost, validHostName } from './domain.js';
import type { Entity } from './entity.js';
import { ipv4IsNonPersonal, ipv4Valid } from './ip.js';

const MAX_URL = 2048;
const SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ftp', 'ftps', 'sftp', 'ws', 'wss']);

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

/** Host of the authority starting at `hostStart` (userinfo skipped), lower-cased. */
function hostOf(text: string, hostStart: number, end: number): string {
  let h = hostStart;
  let stop = end;
  for (let i = hostStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      stop = i;
      break;
    }
  }
  // Bounded to the authority: an unbounded lastIndexOf would make many URLs quadratic.
  for (let i = stop - 1; i >= hostStart; i--) {
    if (text.charCodeAt(i) === 64) {
      h = i + 1;
      break;
    }
  }
  let e = h;
  if (text.charCodeAt(h) === 91) {
    for (let i = h; i < stop; i++) if (text.charCodeAt(i) === 93) return text.slice(h, i + 1);
    return '';
  }
  while (e < stop && text.charCodeAt(e) !== 58) e++;
  return text.slice(h, e).toLowerCase();
}

function acceptableHost(host: string): boolean {
  if (host.startsWith('[')) return host.length > 3;
  if (ipv4Valid(host)) return !ipv4IsNonPersonal(host);
  return validHostName(host) && !isPublicHost(host);
}

export function findUrls(text: string, out: Entity[]): void {
  let from = 0;
  for (let p = text.indexOf('://', from); p !== -1; p = text.indexOf('://', from)) {
    from = p + 3;
    let s = p;
    while (s > 0 && p - s < 6 && isAsciiLetter(text.charCodeAt(s - 1))) s--;
    let scheme = '';
    for (let i = s; i < p; i++) scheme += String.fromCharCode(lowerAscii(text.charCodeAt(i)));
    if (!SCHEMES.has(scheme) || !boundaryBefore(text, s)) continue;
    const e = urlEnd(text, p + 3);
    if (e <= p + 3) continue;
    if (acceptableHost(hostOf(text, p + 3, e))) out.push({ type: 'URL', start: s, end: e, score: 0.9 });
    from = Math.max(from, e);
  }
  from = 0;
  for (let w = text.indexOf('www.', from); w !== -1; w = text.indexOf('www.', from)) {
    from = w + 4;
    if (!boundaryBefore(text, w) || (w >= 3 && text.startsWith('://', w - 3))) continue;
    const e = urlEnd(text, w);
    if (acceptableHost(hostOf(text, w, e))) out.push({ type: 'URL', start: w, end: e, score: 0.85 });
    from = Math.max(from, e);
  }
}
