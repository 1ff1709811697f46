/** @module Unnamed credentials: a quoted, random-looking string handed to code (`k = '…'`, `"SQT": "…"`, `f("…")`). */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { charClasses, hasSequence, isPlaceholder, isUuid, type SecretEntity, type SecretType, shannonEntropy } from './filters.js';

const MIN_LEN = 24;
/** Longer quoted runs are blobs (images, sealed data), not credentials. */
const MAX_LEN = 200;
/** Bits per character: random base62/base64 of this length is ~4.3-5.2; words, paths and identifiers stay below. */
const MIN_ENTROPY = 4.0;

/** Characters of API keys and tokens: base64/base64url, and the `.`, `~`, `:` some providers put inside. */
function isOpaqueChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 45 || c === 95 || c === 46 || c === 126;
}

/** The value is handed to code: after `=`, `:`, `(`, `,`, `[` or `{` (spaces allowed between). */
function isHandedOver(text: string, quote: number): boolean {
  let p = quote - 1;
  while (p >= 0 && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p--;
  const c = text.charCodeAt(p);
  return c === 61 || c === 58 || c === 40 || c === 44 || c === 91 || c === 123;
}

/** How far back on its line a value looks for a word naming it a password (`define('DB_PASSWORD', '…')`). */
const NAME_WINDOW = 48;

/** PASSWORD when the line names one just before the value, else API_KEY. */
function typeBefore(text: string, quote: number): SecretType {
  let s = quote;
  while (s > 0 && quote - s < NAME_WINDOW && text.charCodeAt(s - 1) !== 10) s--;
  const before = text.slice(s, quote).toLowerCase();
  return before.includes('pass') || before.includes('pwd') ? 'PASSWORD' : 'API_KEY';
}

function digits(v: string): number {
  let d = 0;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) d++;
  return d;
}

function looksOpaque(v: string): boolean {
  // Random text of this length has digits; dotted names and words (`sklearn.decomposition.PCA`) have none or one.
  if (digits(v) < 2 || isPlaceholder(v) || isUuid(v) || hasSequence(v, 5)) return false;
  // Two classes (lower case and digits) only when long and as random as such text gets; hex digests stay below.
  const classes = charClasses(v);
  if (classes < 2 || (classes === 2 && (v.length < 32 || shannonEntropy(v) < 4.5))) return false;
  // Digests and encodings that name themselves (`sha512-…` in lock files), paths, host names and versions.
  if (/^(sha\d*|md5)[-_]/i.test(v) || v.startsWith('/') || v.includes('//') || v.includes('..')) return false;
  return shannonEntropy(v) >= MIN_ENTROPY;
}

/**
 * Every quoted string of MIN_LEN..MAX_LEN key characters that code receives and that looks random (three character
 * classes, high entropy), reported with a lower score than a named or formatted one (secret scanners call this the
 * generic high-entropy rule): as PASSWORD when its line says so just before, else as API_KEY. One pass; each character is looked at a bounded number of times.
 */
export function findOpaqueQuoted(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  const n = text.length;
  // The next quote of each kind, found natively: prose has few, and a text without any costs two indexOf calls.
  let dq = text.indexOf('"');
  let sq = text.indexOf("'");
  let check = 0;
  while (dq !== -1 || sq !== -1) {
    const i = dq === -1 ? sq : sq === -1 ? dq : Math.min(dq, sq);
    if (i >= check) check = deadlineAt(dl, i);
    const q = text.charCodeAt(i);
    let e = i + 1;
    while (e < n && e - i <= MAX_LEN && isOpaqueChar(text.charCodeAt(e))) e++;
    const len = e - i - 1;
    let next = e; // the first character that ended the run (it may be the next opening quote)
    if (text.charCodeAt(e) === q && len >= MIN_LEN && len <= MAX_LEN && isHandedOver(text, i) && looksOpaque(text.slice(i + 1, e))) {
      out.push({ type: typeBefore(text, i), start: i + 1, end: e, score: 0.8 });
      next = e + 1; // past the closing quote
    }
    if (next <= i) next = i + 1;
    if (dq !== -1 && dq < next) dq = text.indexOf('"', next);
    if (sq !== -1 && sq < next) sq = text.indexOf("'", next);
  }
}
