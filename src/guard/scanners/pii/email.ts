/** @module E-mail recogniser: indexOf('@')-driven, bounded expansion on both sides, host validation. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom } from '../../text/chunked-search.js';
import { isAsciiAlnum, lowerAscii } from './chars.js';
import { validHostAt } from './domain.js';
import { KIND, type SpanList } from './spans.js';

const MAX_LOCAL = 64;
const MAX_HOST = 253;

function isLocalChar(c: number): boolean {
  // RFC 5322 atext minus the rarely used symbols that mostly appear as punctuation around addresses.
  return isAsciiAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isHostChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 46 || c === 45;
}

/** Whether text[s, e) ends with `lower` (lower-case ASCII letters and dots), ignoring ASCII case. */
function endsWithAt(text: string, s: number, e: number, lower: string): boolean {
  const m = lower.length;
  if (e - s < m) return false;
  for (let i = 1; i <= m; i++) if (lowerAscii(text.charCodeAt(e - i)) !== lower.charCodeAt(m - i)) return false;
  return true;
}

function equalsAt(text: string, s: number, e: number, lower: string): boolean {
  return e - s === lower.length && endsWithAt(text, s, e, lower);
}

/** Hosts that deliver nowhere outside the machine. Hosts are ASCII (isHostChar), so ASCII case folding suffices. */
function isLocalHost(text: string, s: number, e: number): boolean {
  return equalsAt(text, s, e, 'localhost') || endsWithAt(text, s, e, '.localhost') || endsWithAt(text, s, e, '.local') || endsWithAt(text, s, e, '.invalid');
}

/** RFC 2606 / 6761 documentation hosts: example.com, .org, .net and their subdomains, `.example` and `.test`. */
function isDocumentationHost(text: string, s: number, e: number): boolean {
  for (const d of ['example.com', 'example.org', 'example.net']) if (equalsAt(text, s, e, d) || endsWithAt(text, s, e, `.${d}`)) return true;
  return endsWithAt(text, s, e, '.example') || endsWithAt(text, s, e, '.test');
}

/** How far either side of an address its line is read for a password keyword; lines of fixtures are short. */
const LINE_REACH = 160;
/** Password keywords (lower-case) that make a line a credential listing: `id: a@example.com pw: …`. */
const PASSWORD_WORDS: readonly string[] = ['password', 'passwd', 'passphrase', 'pass', 'pwd', 'pw', '비밀번호', '비번', '암호'];

function isAsciiLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i) | 32;
  return c >= 97 && c <= 122;
}

/**
 * Whether the line around text[s, e) names a password (a keyword not inside a longer word): the address is then the
 * login of a credential pair, and at a documentation host it is a fixture's account name that reaches no one; the
 * password beside it is the secret, which the secrets scanner reports. In a sentence without such a keyword an
 * example.com address is still redacted (a gateway cannot tell a demo address from a real one).
 */
function onPasswordLine(text: string, s: number, e: number): boolean {
  let a = s;
  while (a > 0 && s - a < LINE_REACH && text.charCodeAt(a - 1) !== 10) a--;
  let b = e;
  while (b < text.length && b - e < LINE_REACH && text.charCodeAt(b) !== 10) b++;
  const line = text.slice(a, b).toLowerCase();
  for (const w of PASSWORD_WORDS) {
    for (let i = line.indexOf(w); i !== -1; i = line.indexOf(w, i + 1)) {
      if ((i === 0 || !isAsciiLetterAt(line, i - 1)) && (i + w.length >= line.length || !isAsciiLetterAt(line, i + w.length))) return true;
    }
  }
  return false;
}

/** Local parts of addresses that cannot receive mail (ASCII by isLocalChar). */
function isNoReply(text: string, s: number, e: number): boolean {
  return equalsAt(text, s, e, 'noreply') || equalsAt(text, s, e, 'no-reply') || equalsAt(text, s, e, 'donotreply') || equalsAt(text, s, e, 'do-not-reply');
}

/** Whether text[s, e) holds "xxx" in any case. */
function hasXxx(text: string, s: number, e: number): boolean {
  let run = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    run = c === 120 || c === 88 ? run + 1 : 0;
    if (run === 3) return true;
  }
  return false;
}

/** `local.endsWith('.') || local.includes('..')` for local = text[s, e). */
function badDots(text: string, s: number, e: number): boolean {
  if (text.charCodeAt(e - 1) === 46) return true;
  for (let i = s + 1; i < e; i++) if (text.charCodeAt(i) === 46 && text.charCodeAt(i - 1) === 46) return true;
  return false;
}

/** `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. */
export function findEmails(text: string, out: SpanList, dl?: DeadlineClock): void {
  const n = text.length;
  let from = 0;
  let check = 0;
  for (let at = indexOfFrom(text, '@', from, dl); at !== -1; at = indexOfFrom(text, '@', from, dl)) {
    if (at >= check) check = deadlineAt(dl, at);
    from = at + 1;
    let s = at;
    while (s > 0 && at - s < MAX_LOCAL && isLocalChar(text.charCodeAt(s - 1))) s--;
    if (s > 0 && isLocalChar(text.charCodeAt(s - 1))) continue; // longer than any real local part
    while (s < at && text.charCodeAt(s) === 46) s++;
    if (s === at) continue;
    let e = at + 1;
    let dots = 0;
    while (e < n && e - at <= MAX_HOST && isHostChar(text.charCodeAt(e))) {
      if (text.charCodeAt(e) === 46) dots++;
      e++;
    }
    if (dots === 0) continue; // no host name; checked before any slicing so `a@a@a@…` stays cheap
    // Trailing dots and hyphens are sentence punctuation, not part of the host.
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    // Checked on the text itself: a slice and a lower-case copy per candidate were most of the cost of 4 MiB of
    // addresses.
    if (badDots(text, s, at)) continue;
    // Hosts of x's (xxx.com, xxxx.net) are redaction placeholders, not addresses. Documentation domains
    // (example.com) are exempt only as the login of a credential listing (see onPasswordLine).
    const h = at + 1;
    if (!validHostAt(text, h, e) || isLocalHost(text, h, e) || isNoReply(text, s, at) || hasXxx(text, h, e)) continue;
    if (isDocumentationHost(text, h, e) && onPasswordLine(text, s, e)) continue;
    out.add(KIND.EMAIL, s, e, 0.95);
    from = e;
  }
}
