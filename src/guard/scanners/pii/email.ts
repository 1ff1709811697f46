/** @module E-mail recogniser: indexOf('@')-driven, bounded expansion on both sides, host validation. */
import { isAsciiAlnum } from './chars.js';
import { validHostName } from './domain.js';
import type { Entity } from './entity.js';

const MAX_LOCAL = 64;
const MAX_HOST = 253;

function isLocalChar(c: number): boolean {
  // RFC 5322 atext minus the rarely used symbols that mostly appear as punctuation around addresses.
  return isAsciiAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isHostChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 46 || c === 45;
}

/** Hosts that deliver nowhere outside the machine. */
function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.invalid');
}

/** Local parts of addresses that cannot receive mail. */
function isNoReply(local: string): boolean {
  const l = local.toLowerCase();
  return l === 'noreply' || l === 'no-reply' || l === 'donotreply' || l === 'do-not-reply';
}

export function findEmails(text: string, out: Entity[]): void {
  const n = text.length;
  let from = 0;
  for (let at = text.indexOf('@', from); at !== -1; at = text.indexOf('@', from)) {
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
    const local = text.slice(s, at);
    const host = text.slice(at + 1, e);
    if (local.endsWith('.') || local.includes('..')) continue;
    // Hosts of x's (xxx.com, xxxx.net) are redaction placeholders, not addresses. Documentation domains
    // (example.com) are NOT exempt: a gateway cannot tell a test address from a real one, so it redacts both.
    if (!validHostName(host) || isLocalHost(host) || isNoReply(local) || host.toLowerCase().includes('xxx')) continue;
    out.push({ type: 'EMAIL', start: s, end: e, score: 0.95 });
    from = e;
  }
}
