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

const DOCUMENTATION_HOSTS: readonly string[] = ['example.com', 'example.org', 'example.net'];

/** RFC 2606 / 6761 documentation hosts: example.com, .org, .net and their subdomains, `.example` and `.test`. */
function isDocumentationHost(text: string, s: number, e: number): boolean {
  for (const d of DOCUMENTATION_HOSTS) if (endsWithAt(text, s, e, d) && (e - s === d.length || text.charCodeAt(e - d.length - 1) === 46)) return true;
  return endsWithAt(text, s, e, '.example') || endsWithAt(text, s, e, '.test');
}

/** How far either side of an address its line is read for a password keyword; lines of fixtures are short. */
const LINE_REACH = 100;
/** Password keywords that make a line a credential listing (`id: a@example.com pw: …`), English and Korean. */
const PASSWORD_WORD = /p(?:ass(?:word|wd|phrase)?|wd|w)|비밀번호|비번|암호/i;

function isAsciiLetterCode(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122;
}

/** How far from its line's start a listing's login stands (`-ANYID:`, `username: `). */
const KEY_REACH = 24;

/**
 * Whether the address at `s` stands where a listing puts a login: near its line's start, or right after a `:` or `=`.
 * In a sentence it follows words ("wrote to"), and the line is not read at all.
 */
function listingShaped(text: string, s: number): boolean {
  let p = s;
  while (p > 0 && s - p < KEY_REACH && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9)) p--;
  const before = p > 0 ? text.charCodeAt(p - 1) : 10;
  if (before === 58 || before === 61) return true;
  for (let i = s; i > 0 && s - i < KEY_REACH; i--) if (text.charCodeAt(i - 1) === 10) return true;
  return s < KEY_REACH;
}

/**
 * Whether the line around text[s, e) names a password (a keyword not inside a longer word): the address is then the
 * login of a credential pair, and at a documentation host it is a fixture's account name that reaches no one; the
 * password beside it is the secret, which the secrets scanner reports. In a sentence (see listingShaped) or a line
 * without such a keyword an example.com address is still redacted (a gateway cannot tell a demo address from a real
 * one). The line is read up to LINE_REACH either side, one regex search over it.
 */
function onPasswordLine(text: string, s: number, e: number): boolean {
  if (!listingShaped(text, s)) return false;
  let a = s;
  while (a > 0 && s - a < LINE_REACH && text.charCodeAt(a - 1) !== 10) a--;
  let b = e;
  while (b < text.length && b - e < LINE_REACH && text.charCodeAt(b) !== 10) b++;
  // Not a /g regex: a module-level one would carry lastIndex between calls. A keyword inside a longer word (bypass,
  // pwned) sends the search on past it.
  for (let from = a; from < b; ) {
    const m = PASSWORD_WORD.exec(text.slice(from, b));
    if (m === null) return false;
    const i = from + m.index;
    const j = i + m[0].length;
    if ((i === a || !isAsciiLetterCode(text.charCodeAt(i - 1))) && (j >= b || !isAsciiLetterCode(text.charCodeAt(j)))) return true;
    from = i + 1;
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
