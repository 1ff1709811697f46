/** @module Host-name validation shared by the e-mail and URL recognisers, and the hosts that identify nobody. */
import { isAsciiAlnum, isAsciiLetter, lowerAscii } from './chars.js';

/**
 * Top-level domains accepted for bare domain names (no scheme, no `www.`). Kept short on purpose: labels that are
 * also common file extensions (py, sh, js, md, rs, ts, pl as Perl...) would turn file names into URLs.
 */
export const BARE_TLDS: ReadonlySet<string> = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'io', 'co', 'uk', 'de', 'fr', 'es', 'it',
  'nl', 'be', 'ch', 'at', 'se', 'no', 'dk', 'fi', 'cz', 'hu', 'ru', 'jp', 'cn', 'au', 'ca', 'us', 'br', 'mx',
  'ar', 'in', 'ie', 'nz', 'za', 'gr', 'tr', 'ro', 'bg', 'ua', 'kr', 'tw', 'hk', 'sg', 'il', 'eu', 'me', 'tv',
  'app', 'dev', 'ai', 'cloud', 'online', 'site', 'shop', 'xyz', 'cy', 'ee', 'lv', 'lt', 'si', 'sk', 'hr', 'uy',
]);

/** Hosts of public infrastructure, schema namespaces and documentation: naming them identifies nobody. */
const PUBLIC_HOST_SUFFIXES: readonly string[] = [
  'localhost', 'example.com', 'example.org', 'example.net', '.example', '.test', '.invalid', '.local',
  'w3.org', 'xmlsoap.org', 'schemas.microsoft.com', 'schemas.openxmlformats.org', 'github.com', 'gitlab.com',
  'githubusercontent.com', 'amazonaws.com', 'googleapis.com', 'apache.org', 'slack.com', 'npmjs.com',
  'npmjs.org', 'pypi.org', 'python.org', 'mozilla.org', 'xxx.com', 'domain.com', 'yourdomain.com',
  // Cloud providers' service endpoints: the name under them is a resource (bucket, database, app), not a site of
  // anyone's, and the secrets scanner reports the credentials that go with it.
  'firebaseio.com', 'firebaseapp.com', 'akamaiapis.net', 'cloudfront.net', 'windows.net', 'azurewebsites.net',
  'appspot.com', 'herokuapp.com',
];

/** A host equal to a suffix (without its leading dot), or ending in `.suffix`: derived once, not per host. */
const PUBLIC_HOSTS: ReadonlySet<string> = new Set(PUBLIC_HOST_SUFFIXES.flatMap((s) => [s, s.replace(/^\./, '')]));
const PUBLIC_ENDINGS: readonly string[] = PUBLIC_HOST_SUFFIXES.map((s) => (s.startsWith('.') ? s : `.${s}`));

/** Whether text[s, e) equals `lower` (lower-case ASCII), ignoring ASCII case. */
function equalsAt(text: string, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if (lowerAscii(text.charCodeAt(s + i)) !== lower.charCodeAt(i)) return false;
  return true;
}

/** Whether text[s, e) starts with `lower` (lower-case ASCII), ignoring ASCII case. */
function startsWithAt(text: string, s: number, e: number, lower: string): boolean {
  return e - s >= lower.length && equalsAt(text, s, s + lower.length, lower);
}

/** FNV-1a of lower-case ASCII `s` read from its end, as `isPublicHostAt` hashes a host's suffixes. */
function backHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = s.length - 1; i >= 0; i--) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

function byHash(list: readonly string[]): ReadonlyMap<number, readonly string[]> {
  const m = new Map<number, string[]>();
  for (const s of list) {
    const h = backHash(s);
    const l = m.get(h) ?? [];
    l.push(s);
    m.set(h, l);
  }
  return m;
}

const HOST_BY_HASH = byHash([...PUBLIC_HOSTS]);
const TLD_BY_HASH = byHash([...BARE_TLDS]);

/** `BARE_TLDS.has(text.slice(s, e).toLowerCase())` for an ASCII range, without the slice. */
export function isBareTldAt(text: string, s: number, e: number): boolean {
  let h = 0x811c9dc5;
  for (let i = e - 1; i >= s; i--) {
    const c = text.charCodeAt(i);
    if (c >= 128) return BARE_TLDS.has(text.slice(s, e).toLowerCase());
    h = Math.imul(h ^ lowerAscii(c), 16777619);
  }
  return anyEquals(text, s, e, TLD_BY_HASH.get(h));
}
const ENDING_BY_HASH = byHash(PUBLIC_ENDINGS);

function anyEquals(text: string, s: number, e: number, list: readonly string[] | undefined): boolean {
  if (list !== undefined) for (const x of list) if (equalsAt(text, s, e, x)) return true;
  return false;
}

/**
 * `isPublicHost(text.slice(s, e))` without the slice and its lower-case copy: one walk from the end hashes every
 * suffix, and a suffix is compared with the listed hosts only at a dot (each listed ending starts with one) and at
 * the start. Hosts are ASCII by construction, where ASCII case folding is what toLowerCase does; a non-ASCII host
 * takes the string path.
 */
export function isPublicHostAt(text: string, s: number, e: number): boolean {
  if (startsWithAt(text, s, e, 'docs.') || startsWithAt(text, s, e, 'learn.') || startsWithAt(text, s, e, 'developer.')) return true;
  let h = 0x811c9dc5;
  for (let i = e - 1; i >= s; i--) {
    const c = text.charCodeAt(i);
    if (c >= 128) return isPublicHost(text.slice(s, e));
    h = Math.imul(h ^ lowerAscii(c), 16777619);
    if (c === 46 && anyEquals(text, i, e, ENDING_BY_HASH.get(h))) return true;
  }
  return anyEquals(text, s, e, HOST_BY_HASH.get(h));
}

/** `validHostName(text.slice(s, e))` without the slice and the split. */
export function validHostAt(text: string, s: number, e: number): boolean {
  const len = e - s;
  if (len < 4 || len > 253) return false;
  let labels = 0;
  let labelStart = s;
  for (let i = s; i <= e; i++) {
    const c = i === e ? 46 : text.charCodeAt(i);
    if (c === 46) {
      const l = i - labelStart;
      if (l === 0 || l > 63) return false;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
      labels++;
      if (i < e) labelStart = i + 1;
      continue;
    }
    if (!isAsciiAlnum(c) && c !== 45) return false;
  }
  if (labels < 2) return false;
  const tld = e - labelStart;
  if (tld < 2 || tld > 24) return false;
  for (let i = labelStart; i < e; i++) if (!isAsciiLetter(text.charCodeAt(i))) return false;
  return true;
}

export function isPublicHost(host: string): boolean {
  const h = host.toLowerCase();
  // Documentation sites (docs.aws.amazon.com, learn.microsoft.com, developer.mozilla.org).
  if (h.startsWith('docs.') || h.startsWith('learn.') || h.startsWith('developer.')) return true;
  if (PUBLIC_HOSTS.has(h)) return true;
  for (const e of PUBLIC_ENDINGS) if (h.endsWith(e)) return true;
  return false;
}

/** Syntactic host-name check: 2+ labels of [A-Za-z0-9-], no edge hyphens, alphabetic TLD of 2-24 letters. */
export function validHostName(host: string): boolean {
  if (host.length < 4 || host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return false;
    if (label.charCodeAt(0) === 45 || label.charCodeAt(label.length - 1) === 45) return false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (!isAsciiAlnum(c) && c !== 45) return false;
    }
  }
  const tld = labels[labels.length - 1] ?? '';
  if (tld.length < 2 || tld.length > 24) return false;
  for (let i = 0; i < tld.length; i++) if (!isAsciiLetter(tld.charCodeAt(i))) return false;
  return true;
}
