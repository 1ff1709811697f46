/** @module Host-name validation shared by the e-mail and URL recognisers, and the hosts that identify nobody. */
import { isAsciiAlnum, isAsciiLetter } from './chars.js';

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
];

/** A host equal to a suffix (without its leading dot), or ending in `.suffix`: derived once, not per host. */
const PUBLIC_HOSTS: ReadonlySet<string> = new Set(PUBLIC_HOST_SUFFIXES.flatMap((s) => [s, s.replace(/^\./, '')]));
const PUBLIC_ENDINGS: readonly string[] = PUBLIC_HOST_SUFFIXES.map((s) => (s.startsWith('.') ? s : `.${s}`));

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
