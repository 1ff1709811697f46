/**
 * @module Credentials given by name: `password = "…"`, `api_key: …`, `--password …`, `<PW>…</PW>`, `pw:…`, "my password
 * is …", `Authorization: Bearer …`, `user:pass@host` in URLs, SQL `IDENTIFIED BY '…'`. Keyword stems are found by
 * the secrets pre-pass in ASCII text (prepass.ts) and by a case-folding scan of the text otherwise (`stemsAt`).
 */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom, testFrom } from '../../text/chunked-search.js';
import { charClasses, hasSequence, isPlaceholder, isUuid, type SecretEntity, type SecretType, shannonEntropy } from './filters.js';

const MAX_VALUE = 256;
const EMPTY = new Int32Array(0);
/**
 * Stems searched in the text; each hit is widened to its identifier and checked segment by segment. English key
 * names only: credential listings leave a value after a Korean one (비번, 암호) unlabelled, and so does this.
 */
const STEMS = ['pass', 'pwd', 'pw', 'secret', 'token', 'key', 'auth', 'cred', 'api'];
/** Segments that name a secret on their own. */
const EXACT_SEGMENTS: ReadonlyMap<string, SecretType> = new Map([
  ['pass', 'PASSWORD'], ['pw', 'PASSWORD'], ['pwd', 'PASSWORD'], ['passwd', 'PASSWORD'], ['password', 'PASSWORD'],
  ['passphrase', 'PASSWORD'], ['passcode', 'PASSWORD'], ['pword', 'PASSWORD'],
  ['secret', 'API_KEY'], ['token', 'API_KEY'], ['key', 'API_KEY'], ['apikey', 'API_KEY'], ['api', 'API_KEY'],
  ['auth', 'API_KEY'], ['credential', 'API_KEY'], ['credentials', 'API_KEY'], ['creds', 'API_KEY'],
]);
/** Stems that may be glued to other words inside one segment (userpassword, secretaccesskey, accesstoken). */
const GLUED: readonly [string, SecretType][] = [['password', 'PASSWORD'], ['passwd', 'PASSWORD'], ['secret', 'API_KEY'], ['token', 'API_KEY'], ['apikey', 'API_KEY'], ['accesskey', 'API_KEY'], ['secretkey', 'API_KEY'], ['privatekey', 'API_KEY'], ['aeskey', 'API_KEY'], ['hmackey', 'API_KEY']];
/** Glued words that contain a stem but name no secret. */
const NOT_SECRET = new Set(['secretary', 'tokenizer', 'tokenize', 'tokens', 'keyboard', 'keys', 'keyword', 'passenger', 'passengers', 'passport', 'password_confirmation_label']);

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c > 0x3000;
}

/**
 * Last segments that make the identifier name something about a secret, not the secret: `secret_name`, `--key-file`,
 * `token_type`, `password_length` hold a name, a path or a setting.
 */
const ABOUT_SECRET = new Set(['name', 'names', 'file', 'path', 'dir', 'type', 'length', 'len', 'size', 'version', 'format', 'label', 'ref', 'arn', 'url', 'uri', 'field', 'header', 'prefix', 'policy', 'expiry', 'expires', 'ttl']);

/** Secret type named by identifier `id` (lower-cased), or undefined. */
function keyType(id: string): SecretType | undefined {
  if (NOT_SECRET.has(id)) return undefined;
  const segs = id.split(/[_\-.]/);
  if (segs.length > 1 && ABOUT_SECRET.has(segs[segs.length - 1] as string)) return undefined;
  let found: SecretType | undefined;
  for (const seg of segs) {
    if (seg === '' || NOT_SECRET.has(seg)) continue;
    const exact = EXACT_SEGMENTS.get(seg);
    if (exact !== undefined) {
      if (exact === 'PASSWORD') return exact;
      found = exact;
      continue;
    }
    for (const [stem, type] of GLUED) {
      if (seg.startsWith(stem) || seg.endsWith(stem)) {
        if (type === 'PASSWORD') return type;
        found = type;
      }
    }
  }
  return found;
}

/** End of the line starting at `from`, looking at most `max` units ahead so a text without newlines costs O(max). */
function lineEndWithin(text: string, from: number, max: number): number {
  const limit = Math.min(text.length, from + max);
  for (let i = from; i < limit; i++) if (text.charCodeAt(i) === 10) return i;
  return limit;
}

type Value = { start: number; end: number; quoted: boolean };

const HTML_QUOTES: readonly string[] = ['&quot;', '&#34;', '&#39;', '&apos;'];

/** Reads the value after the operator at `p` (quotes and escaped quotes allowed); undefined when none. */
function readValue(text: string, p: number, lineEnd: number, inQuery = false): Value | undefined {
  while (p < lineEnd && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  let q = text.charCodeAt(p);
  if (q === 92 && (text.charCodeAt(p + 1) === 34 || text.charCodeAt(p + 1) === 39)) {
    p++;
    q = text.charCodeAt(p);
  }
  // A quote escaped for HTML (`?token=&quot;…&quot;` in a page's source) quotes the value as `"` does.
  if (q === 38) {
    for (const entity of HTML_QUOTES) {
      if (!text.startsWith(entity, p)) continue;
      const s = p + entity.length;
      // Bounded to the value's longest reach: an unclosed quote costs a short slice, not a search of the text.
      const span = text.slice(s, Math.min(lineEnd, s + MAX_VALUE + entity.length));
      const close = span.indexOf(entity);
      if (close <= 0 || span.lastIndexOf('\n', close) !== -1) return undefined;
      return { start: s, end: s + close, quoted: true };
    }
  }
  if (q === 34 || q === 39 || q === 96) {
    // Triple-quoted strings ('''…''') open with the same quote repeated.
    while (text.charCodeAt(p + 1) === q && text.charCodeAt(p + 2) === q) p += 2;
    const s = p + 1;
    let e = s;
    while (e < lineEnd && e - s < MAX_VALUE && text.charCodeAt(e) !== q && text.charCodeAt(e) !== 10) e++;
    if (e - s >= MAX_VALUE) return undefined; // a blob (sealed or encrypted data), not a credential
    if (text.charCodeAt(e - 1) === 92) e--; // escaped closing quote: \"
    return e > s ? { start: s, end: e, quoted: true } : undefined;
  }
  const s = p;
  let e = s;
  while (e < lineEnd && e - s < MAX_VALUE) {
    const c = text.charCodeAt(e);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 59 || c === 41 || c === 93 || c === 125 || c === 60 || c === 34 || c === 39 || c === 92) break;
    if (c === 38 && inQuery) break; // ?token=…&next=…
    e++;
  }
  if (e - s >= MAX_VALUE) return undefined;
  return e > s ? { start: s, end: e, quoted: false } : undefined;
}

/**
 * A quoted base64 value that happens to start with `/` (`"/Vq3…"`): one segment of 20+ characters mixing upper and
 * lower case and digits, with no dot or dash, where a path has words, a second slash or an extension.
 */
function randomAfterSlash(v: string): boolean {
  if (v.length < 21 || v.indexOf('/', 1) !== -1 || /[.\-\s]/.test(v) || charClasses(v.slice(1)) < 3) return false;
  return shannonEntropy(v) >= 4;
}

/** `login/secret` or `login:secret`: a word of letters, then a slash or colon, then more. */
const PAIR = /^[A-Za-z]{2,32}[/:][^/:]/;

/** Whether `v` can be a literal credential of `type` rather than a variable, call, path or placeholder. */
function plausible(v: string, type: SecretType, quoted: boolean, uuidOk = false): boolean {
  if (v.length > MAX_VALUE || isPlaceholder(v) || (isUuid(v) && !uuidOk) || hasSequence(v, 5)) return false;
  if (v.includes('://') || (v.startsWith('/') && !(quoted && type === 'API_KEY' && randomAfterSlash(v))) || v.startsWith('./') || v.startsWith('0x') || v.includes('(')) return false;
  const first = v.charCodeAt(0);
  if (first === 36 || first === 37 || first === 64 || first === 38 || first === 42 || first === 61 || first === 58 || first === 126) return false;
  if (/^[0-9]+$/.test(v)) return false;
  // A host's address (`IP ID PW 10.1.2.3 admin …`) is not a password.
  if (/^\d{1,3}(?:\.\d{1,3}){3}(?:[/:]|$)/.test(v)) return false;
  // The next key of a listing, not a value: `id/pw id:ops pw:…`.
  if (!quoted && /^(?:id|user|username|login|name|account):/i.test(v)) return false;
  // Command-line options and object literals (`Pass \`--no-warnings\``, `key: { a: 1 }`), and URNs (`urn:uuid:…`).
  if (v.startsWith('--') || first === 123 || v.startsWith('urn:')) return false;
  // Keys and tokens never hold a blank: `key: 'hello world!'` is text. (A pass phrase may.)
  if (type === 'API_KEY' && (v.includes(' ') || v.includes('\t'))) return false;
  const classes = charClasses(v);
  // Unquoted letters-only words in code are variable names (password = userPassword), not values.
  if (!quoted && /^[A-Za-z_.]+$/.test(v)) return false;
  // Dotted paths and subscripts are code: os.environ[, settings.DB_PASSWORD, config.get
  if (v.includes('[') || (!quoted && /^[A-Za-z_]\w*\.[A-Za-z_]/.test(v))) return false;
  // A login and its password written as one value (`ID/PW: ops/…`, `pw(default:…)`) is a listing's pair, which
  // credential listings leave unlabelled; the password alone after its own key is reported.
  if (type === 'PASSWORD' && !quoted && PAIR.test(v)) return false;
  if (type === 'PASSWORD') return v.length >= (quoted ? 4 : 6) && (classes >= 2 || v.length >= 10);
  // An identifier in snake or kebab case (`"key": "upload_slot_0"`, `release-notes-v2`) names a thing; a key has no
  // words. (A password may be words.)
  if (/^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$/.test(v) && v.split(/[_-]/).filter((w) => /^[a-z]{3,}$/.test(w)).length >= 2) return false;
  return v.length >= 12 && classes >= 2 && shannonEntropy(v) >= 3;
}

/**
 * The decimal or hex integer literal at `p` (at most 4 digits): its value and end, or undefined when there is none.
 * (An octal `023` reads as decimal: only whether values differ and step is looked at.)
 */
function intAt(text: string, p: number): { value: number; end: number } | undefined {
  let q = p;
  let v = 0;
  if (text.charCodeAt(q) === 48 && (text.charCodeAt(q + 1) | 32) === 120) {
    q += 2;
    for (let c = text.charCodeAt(q); q - p < 6; c = text.charCodeAt(++q)) {
      const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
      if (d === -1) break;
      v = v * 16 + d;
    }
    return q > p + 2 ? { value: v, end: q } : undefined;
  }
  for (let c = text.charCodeAt(q); q - p < 4 && c >= 48 && c <= 57; c = text.charCodeAt(++q)) v = v * 10 + c - 48;
  return q > p ? { value: v, end: q } : undefined;
}

/**
 * Key material written as a list of byte values after a key name (`aes_key = {0x3f, 0x91, …}`, `Secret: []byte{12, …}`,
 * `key = bytes([…])`): 8 or more integers, not all the same and not a run, in the braces or brackets that open within
 * a few characters (a type or call name may precede them). Pushes the line's part of the list; true when it did.
 */
function byteArrayAt(text: string, op: number, lineEnd: number, out: SecretEntity[]): boolean {
  let p = op;
  const limit = Math.min(lineEnd, op + 24);
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === 91 && text.charCodeAt(p + 1) === 93) {
      p += 2; // Go's `[]byte{…}`
      continue;
    }
    if (c === 123 || c === 91) break;
    // blanks, letters, digits (`Uint8Array`), `(`, `]`: a type or a call before the list
    if (!(c === 32 || c === 9 || c === 40 || c === 93 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
    p++;
  }
  if (p >= limit) return false;
  p++;
  let count = 0;
  let first = -1;
  let last = -1;
  let prev = -1;
  let varied = false;
  let stepped = true;
  const end = Math.min(text.length, p + 4 * MAX_VALUE);
  while (p < end) {
    p = afterBlanks(text, p, end);
    const lit = intAt(text, p);
    if (lit === undefined) break;
    const n = lit.value;
    const q = lit.end;
    if (first === -1) first = p;
    else {
      if (n !== prev) varied = true;
      if (n !== prev + 1) stepped = false;
    }
    prev = n;
    last = q;
    count++;
    p = afterBlanks(text, q, end);
    if (text.charCodeAt(p) !== 44) break;
    p++;
    // A list continued on the next line: this line's part is reported.
    while (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9 || text.charCodeAt(p) === 92)) p++;
    if (text.charCodeAt(p) === 10 || text.charCodeAt(p) === 13) break;
  }
  if (count < 8 || !varied || stepped) return false;
  out.push({ type: 'API_KEY', start: first, end: last, score: 0.8 });
  return true;
}

/** Whether value `v` is in single or double quotes (not backticks, which mark code in prose). */
function quotedPlain(text: string, v: Value): boolean {
  const q = text.charCodeAt(v.start - 1);
  return v.quoted && (q === 39 || q === 34);
}

/** SQL's `… LOGIN PASSWORD value;`: the key in capitals and the bare value ending the statement. */
function sqlBare(text: string, s: number, e: number, valueEnd: number): boolean {
  return e - s === 8 && text.startsWith('PASSWORD', s) && text.charCodeAt(valueEnd) === 59;
}

/**
 * Whether a key and the value after it, apart by blanks only, make an assignment: after a command-line flag (for a
 * password only one spelled in full), after `password` with a value in ' or " quotes or SQL's bare `PASSWORD x;`, or
 * for a long random value.
 */
function spaceAssigns(text: string, s: number, e: number, id: string, type: SecretType, flag: boolean, v: Value, value: string): boolean {
  if (flag && (type !== 'PASSWORD' || id.includes('password') || id.includes('passphrase'))) return true;
  if (type === 'PASSWORD' && id.includes('password') && (quotedPlain(text, v) || sqlBare(text, s, e, v.end))) return true;
  return value.length >= 20 && shannonEntropy(value) >= 3.5;
}

/** The first offset at or after `p` (before `end`) that is not a space or a tab. */
function afterBlanks(text: string, p: number, end: number): number {
  while (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  return p;
}


/** Operator after the key at `p`: returns the index after it, or -1. `spaceOk` allows `--password value`. */
function operatorEnd(text: string, p: number, lineEnd: number, spaceOk: boolean, inTag: boolean): number {
  while (p < lineEnd && (text.charCodeAt(p) === 34 || text.charCodeAt(p) === 39 || text.charCodeAt(p) === 93)) p++;
  let q = p;
  while (q < lineEnd && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
  const c = text.charCodeAt(q);
  if (c === 61 && text.charCodeAt(q + 1) === 62) return q + 2; // =>
  if (c === 58 && text.charCodeAt(q + 1) === 61) return q + 2; // :=
  if (c === 61 && text.charCodeAt(q + 1) !== 61 && text.charCodeAt(q + 1) !== 126) return q + 1;
  if (c === 58 && text.charCodeAt(q + 1) !== 58) return q + 1;
  if (c === 62 && inTag) return q + 1; // <PW>value
  if (q > p && text.startsWith('is ', q)) return q + 3;
  if (spaceOk && q > p && q - p <= 2) return q;
  return -1;
}

/**
 * The code unit the lower-cased text had at offset `i`. Outside ASCII a one-character toLowerCase: only near stems
 * (identifier edges), and some letters change class (Cherokee capitals lower-case above U+3000, Latin ones below).
 */
function lowerAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c === 0x130) return 105; // 'İ' was replaced by 'i'
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

/** Whether the lower-cased text holds `stem` at `i`. */
function stemAt(text: string, i: number, stem: string): boolean {
  if (i + stem.length > text.length) return false;
  for (let k = 0; k < stem.length; k++) if (lowerAt(text, i + k) !== stem.charCodeAt(k)) return false;
  return true;
}

/** Bit per STEMS index for the stems the lower-cased text holds at `i`; only stems with that first letter are compared. */
function stemsAt(text: string, i: number): number {
  const first = lowerAt(text, i);
  let mask = 0;
  for (let k = 0; k < STEMS.length; k++) {
    const stem = STEMS[k] as string;
    if (stem.charCodeAt(0) === first && stemAt(text, i, stem)) mask |= 1 << k;
  }
  return mask;
}

/** `isIdentChar` of the lower-cased text's character at `i`. */
function isIdentAt(text: string, i: number): boolean {
  return isIdentChar(lowerAt(text, i));
}

/** FNV hash of text[s, e) with ASCII letters lower-cased; -1 when it holds a non-ASCII unit (those take the slow path). */
function idHash(text: string, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 16777619);
  }
  return h === -1 ? 0 : h;
}

/** Whether the ASCII range text[s, e), lower-cased, is `id`. */
function sameId(text: string, s: number, e: number, id: string): boolean {
  if (e - s !== id.length) return false;
  for (let i = 0; i < id.length; i++) {
    const c = text.charCodeAt(s + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== id.charCodeAt(i)) return false;
  }
  return true;
}

/** The identifier text[s, e) lower-cased as the whole text was (same offsets: 'İ' as 'i'). */
function lowerId(text: string, s: number, e: number): string {
  const id = text.slice(s, e);
  return (id.includes('\u0130') ? id.replaceAll('\u0130', 'i') : id).toLowerCase();
}

/** ASCII lower case of a byte for the letter tests below (`b | 32` is a letter only for letters; out of range: 32). */
function fold(b: number | undefined): number {
  return (b ?? 0) | 32;
}

/**
 * Whether the stem regex of `findAssignments` matches at `p` in ASCII `bytes`: a stem's first letter in either case
 * followed by the rest that regex looks ahead for (the Kelvin sign, 'İ' and the Korean words are not ASCII). Reads
 * up to `p + 5`.
 */
export function asciiStemAt(bytes: Uint8Array, p: number): boolean {
  switch ((bytes[p] as number) | 32) {
    case 112: // p(?=ass|w)
      return (fold(bytes[p + 1]) === 97 && fold(bytes[p + 2]) === 115 && fold(bytes[p + 3]) === 115) || fold(bytes[p + 1]) === 119;
    case 115: // s(?=ecret)
      return fold(bytes[p + 1]) === 101 && fold(bytes[p + 2]) === 99 && fold(bytes[p + 3]) === 114 && fold(bytes[p + 4]) === 101 && fold(bytes[p + 5]) === 116;
    case 116: // t(?=oken)
      return fold(bytes[p + 1]) === 111 && fold(bytes[p + 2]) === 107 && fold(bytes[p + 3]) === 101 && fold(bytes[p + 4]) === 110;
    case 107: // k(?=ey)
      return fold(bytes[p + 1]) === 101 && fold(bytes[p + 2]) === 121;
    case 97: // a(?=pi|uth)
      return (fold(bytes[p + 1]) === 112 && fold(bytes[p + 2]) === 105) || (fold(bytes[p + 1]) === 117 && fold(bytes[p + 2]) === 116 && fold(bytes[p + 3]) === 104);
    case 99: // c(?=red)
      return fold(bytes[p + 1]) === 114 && fold(bytes[p + 2]) === 101 && fold(bytes[p + 3]) === 100;
    default:
      return false;
  }
}

/** The first position at or after `from` in ASCII `bytes` where `asciiStemAt` holds, or -1. */
export function nextAsciiStem(bytes: Uint8Array, from: number, n: number): number {
  for (let p = from; p < n; p++) if (asciiStemAt(bytes, p)) return p;
  return -1;
}

/** The next position `re` (the stem regex of `findAssignments`: one unit and a look-ahead of at most 6) matches at. */
function stemFrom(re: RegExp, text: string, from: number, dl: DeadlineClock | undefined): number {
  const end = testFrom(re, text, from, 8, dl);
  return end === -1 ? -1 : end - 1;
}

/** Scratch arrays kept between scans (scans are synchronous): a typed array made per scan cost a tenth of a prose scan. */
let keptMasks: Int32Array = new Int32Array(64);
const keptSeen = new Int32Array(1 << 11);

/**
 * ASCII identifiers lower-cased and typed (keyType), by idHash: kept between scans, as prompts repeat them (`API`,
 * `password`); emptied when full.
 */
const ids = new Map<number, { readonly id: string; readonly type: SecretType | null }>();
const MAX_IDS = 4096;

/** Positions where the stem regex of `findAssignments` matches, in text order: `at[0 .. count)`. */
export type StemHits = { readonly at: Int32Array; readonly count: number };

/**
 * Named credentials. Stems are handled in STEMS order and each stem's hits in text order, as eleven indexOf passes did.
 * `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. `stems`: in ASCII
 * text, the stem positions found by the byte pre-pass (see prepass.ts), else found here.
 */
export function findAssignments(text: string, out: SecretEntity[], dl?: DeadlineClock, stems?: StemHits): void {
  const n = text.length;
  let hits: Int32Array = EMPTY;
  let masks: Int32Array = EMPTY;
  let count = 0;
  let check = 0;
  if (stems !== undefined) {
    hits = stems.at;
    count = stems.count;
    if (count === 0) return;
    if (count > keptMasks.length) {
      masks = new Int32Array(count);
      if (count <= 1 << 12) keptMasks = masks;
    } else masks = keptMasks;
    for (let j = 0; j < count; j++) {
      const p = hits[j] as number;
      if (p >= check) check = deadlineAt(dl, p);
      masks[j] = stemsAt(text, p);
    }
  } else {
    // Every position where some stem starts, with the stems there. The stems are found case-insensitively in the text
    // itself: it used to be lower-cased whole first (with 'İ' as 'i', the one mapping that changes length) and
    // searched once per stem, a 4 MiB copy and eleven passes that were most of the scanner's time on large or
    // non-Latin texts. The only other character whose lower case is ASCII is the Kelvin sign, allowed here. Each
    // match is one character (lookahead) so that overlapping stems ("passecret", "pwd" and "pw") are all found;
    // `stemsAt` tells them apart. The Korean words 비번 and 암호 are still searched for, though no stem is Korean
    // any more (their hits get no bit and are skipped): without them V8 took 3.5 ms instead of 2.4 on 4 MiB of mixed
    // Cyrillic and CJK text (pure Cyrillic or CJK text was 0.3-0.8 ms faster).
    const re = /[pP](?=[aA][sS][sS]|[wW])|[sS](?=[eE][cC][rR][eE][tT])|[tT](?=[oO][kK\u212a][eE][nN])|[kK\u212a](?=[eE][yY])|[aA](?=[pP][iI\u0130]|[uU][tT][hH])|[cC](?=[rR][eE][dD])|비(?=번)|암(?=호)/g;
    for (let p = stemFrom(re, text, 0, dl); p !== -1; p = stemFrom(re, text, p + 1, dl)) {
      if (p >= check) check = deadlineAt(dl, p);
      if (count === hits.length) {
        const h = new Int32Array(Math.max(16, count * 2));
        h.set(hits);
        hits = h;
        const m = new Int32Array(Math.max(16, count * 2));
        m.set(masks);
        masks = m;
      }
      hits[count] = p;
      masks[count] = stemsAt(text, p);
      count++;
    }
  }
  if (count === 0) return;
  // Identifier starts already handled: a bit per offset (a Set of 100k+ numbers cost more than the rest).
  const seenWords = (n >>> 5) + 1;
  let seen = keptSeen;
  if (seenWords > seen.length) seen = new Int32Array(seenWords);
  else seen.fill(0, 0, seenWords);
  // Made when first needed: most stems in prose have no value after them.
  const plausibleMemo: Map<string, boolean>[] = [];
  for (let k = 0; k < STEMS.length; k++) {
    const stem = STEMS[k] as string;
    const bit = 1 << k;
    let from = 0;
    check = 0;
    for (let j = 0; j < count; j++) {
      if (((masks[j] as number) & bit) === 0) continue;
      const hit = hits[j] as number;
      if (hit < from) continue;
      if (hit >= check) check = deadlineAt(dl, hit);
      from = hit + stem.length;
      let s = hit;
      while (s > 0 && hit - s < 64 && isIdentAt(text, s - 1)) s--;
      let e = from;
      while (e < n && e - hit < 64 && isIdentAt(text, e)) e++;
      while (e > from && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
      const w = s >>> 5;
      const b = 1 << (s & 31);
      if (((seen[w] as number) & b) !== 0) continue;
      seen[w] = (seen[w] as number) | b;
      from = Math.max(from, e);
      let is = s;
      while (is < e && (text.charCodeAt(is) === 45 || text.charCodeAt(is) === 46)) is++;
      // Identifiers repeat (`password`, `api_key`): each is lower-cased and typed once (see ids), found again by a
      // hash of its ASCII-folded units and a comparison, without a slice.
      const h = idHash(text, is, e);
      let known = h === -1 ? undefined : ids.get(h);
      if (known === undefined || !sameId(text, is, e, known.id)) {
        const id = lowerId(text, is, e);
        known = { id, type: keyType(id) ?? null };
        if (h !== -1) {
          if (ids.size >= MAX_IDS) ids.clear();
          ids.set(h, known);
        }
      }
      if (known.type === null) continue;
      assignmentAt(text, s, e, known.id, known.type, plausibleMemo, out);
    }
  }
}

/** The value assigned to identifier text[s, e) (`id` lower-cased) naming a secret of `type`, if plausible. */
function assignmentAt(text: string, s: number, e: number, id: string, type: SecretType, plausibleMemo: Map<string, boolean>[], out: SecretEntity[]): void {
  // Value readers stop at a line break themselves, so the line end need not be searched for.
  const lineEnd = Math.min(text.length, e + 2 * MAX_VALUE);
  // The identifier's run takes in its leading dashes (`--token`), so a command-line flag starts with one; the
  // character before it was tested before, which is never a dash, and `--passphrase value` went unreported.
  const flag = text.charCodeAt(s) === 45 || (s >= 1 && text.charCodeAt(s - 1) === 45);
  const inTag = s >= 1 && text.charCodeAt(s - 1) === 60;
  // PayPal Braintree access tokens: `access_token$production$…$…`.
  if (text.charCodeAt(e) === 36 && id === 'access_token' && text.startsWith('$production$', e)) {
    let p = e + 12;
    while (p < lineEnd && p - e < 80 && (isIdentChar(text.charCodeAt(p)) || text.charCodeAt(p) === 36)) p++;
    if (p - e >= 40) out.push({ type: 'API_KEY', start: s, end: p, score: 0.95 });
    return;
  }
  const op = operatorEnd(text, e, lineEnd, true, inTag);
  if (op === -1) return;
  // The key and its value apart by blanks only (no `=` or `:`).
  const spaced = afterBlanks(text, e, op) === op;
  // After a bare space only a list itself (`#define AES_KEY {…}`): prose's "the API returned …" is not searched.
  const opener = text.charCodeAt(op);
  if (type === 'API_KEY' && (opener === 123 || opener === 91 || !spaced) && byteArrayAt(text, op, lineEnd, out)) return;
  const inQuery = s >= 1 && (text.charCodeAt(s - 1) === 63 || text.charCodeAt(s - 1) === 38);
  const v = readValue(text, op, lineEnd, inQuery);
  if (v === undefined) return;
  // Too short to be plausible whatever else holds (see `plausible`): no slice for the many short values.
  if (v.end - v.start < (type === 'PASSWORD' ? (v.quoted ? 4 : 6) : 12)) return;
  const value = text.slice(v.start, v.end);
  // A bare space after a key name is an assignment only for a long random value (`%define token 4b9a…`). This
  // compared `op === e`, which a space-only operator never gives (op is past the spaces), so it never applied and
  // `a/x_api.zip b/x_api.zip` in a diff header was an API key. Tested before the value checks: it is cheaper.
  // For a password, a space separates a key from its value only after a command-line flag spelled in full
  // (`--password …`, `-Passphrase …`; not `--pass`, `-pw`) or between `password` and a value in ' or " quotes (SQL
  // `PASSWORD '…'`; not prose's "pass `option`"): listings leave `PW …` and `user x password …` unlabelled.
  if (spaced && !spaceAssigns(text, s, e, id, type, flag, v, value)) return;
  // Values repeat in large texts (the same password on every line): each is judged once per scan and kind.
  // A UUID is an id, except after a key that names it a token or a secret (`--deploy-token 1f0e…`: Heroku's API keys
  // and many others are UUIDs).
  const uuidOk = type === 'API_KEY' && (id.includes('token') || id.includes('secret'));
  const kind = (type === 'PASSWORD' ? 2 : 0) + (v.quoted ? 1 : 0) + (uuidOk ? 4 : 0);
  const memo = plausibleMemo[kind] ?? (plausibleMemo[kind] = new Map<string, boolean>());
  let ok = memo.get(value);
  if (ok === undefined) {
    ok = plausible(value, type, v.quoted, uuidOk);
    if (memo.size < 4096) memo.set(value, ok);
  }
  if (!ok) return;
  out.push({ type, start: v.start, end: v.end, score: type === 'PASSWORD' ? 0.85 : 0.8 });
}

/** `Authorization: Bearer <token>` / `Basic <b64>`, and `scheme://user:password@host`. */
export function findHeaderAndUrlCredentials(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  let check: number;
  for (const word of ['Bearer ', 'Basic ', 'bearer ', 'BEARER ']) {
    let from = 0;
    check = 0;
    for (let hit = indexOfFrom(text, word, from, dl); hit !== -1; hit = indexOfFrom(text, word, from, dl)) {
      if (hit >= check) check = deadlineAt(dl, hit);
      from = hit + word.length;
      const v = readValue(text, from, Math.min(text.length, from + MAX_VALUE));
      if (v === undefined) continue;
      const value = text.slice(v.start, v.end);
      if (value.length >= 16 && !isPlaceholder(value) && shannonEntropy(value) >= 3) out.push({ type: 'API_KEY', start: v.start, end: v.end, score: 0.9 });
    }
  }
  let from = 0;
  check = 0;
  for (let p = indexOfFrom(text, '://', from, dl); p !== -1; p = indexOfFrom(text, '://', from, dl)) {
    if (p >= check) check = deadlineAt(dl, p);
    from = p + 3;
    let e = from;
    while (e < text.length && e - from < 256) {
      const c = text.charCodeAt(e);
      if (c === 47 || c === 32 || c === 10 || c === 64 || c === 34 || c === 39 || c === 63 || c === 35) break;
      e++;
    }
    if (text.charCodeAt(e) !== 64) continue;
    let colon = -1;
    for (let i = from; i < e; i++) {
      if (text.charCodeAt(i) === 58) {
        colon = i;
        break;
      }
    }
    if (colon === -1 || colon + 1 >= e) continue;
    const pass = text.slice(colon + 1, e);
    if (!isPlaceholder(pass) && pass.length >= 3) out.push({ type: 'PASSWORD', start: colon + 1, end: e, score: 0.9 });
  }
}

/** PowerShell `ConvertTo-SecureString [-String] "value" [-AsPlainText] [-Force]`. */
export function findSecureStrings(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  let from = 0;
  const cue = 'ConvertTo-SecureString';
  let check = 0;
  for (let hit = indexOfFrom(text, cue, from, dl); hit !== -1; hit = indexOfFrom(text, cue, from, dl)) {
    if (hit >= check) check = deadlineAt(dl, hit);
    from = hit + cue.length;
    const lineEnd = lineEndWithin(text, from, 2 * MAX_VALUE);
    let p = from;
    for (let guard = 0; guard < 6 && p < lineEnd; guard++) {
      const v = readValue(text, p, lineEnd);
      if (v === undefined) break;
      const value = text.slice(v.start, v.end);
      if (!v.quoted && value.startsWith('-')) {
        p = v.end;
        continue;
      }
      if (plausible(value, 'PASSWORD', true)) out.push({ type: 'PASSWORD', start: v.start, end: v.end, score: 0.85 });
      break;
    }
  }
}

/** Slack incoming-webhook paths carry the secret after `/services`. */
export function findWebhooks(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  const cue = 'hooks.slack.com/services';
  let from = 0;
  let check = 0;
  for (let hit = indexOfFrom(text, cue, from, dl); hit !== -1; hit = indexOfFrom(text, cue, from, dl)) {
    if (hit >= check) check = deadlineAt(dl, hit);
    from = hit + cue.length;
    let e = from;
    while (e < text.length && e - from < 128 && /[A-Za-z0-9/]/.test(text.charAt(e))) e++;
    if (e - from >= 20) out.push({ type: 'API_KEY', start: from, end: e, score: 0.95 });
  }
}

/** A value ends at a quote, blank, `;`, `)`, `,` or line end. */
function isSqlValueEnd(c: number): boolean {
  return c === 39 || c === 34 || c === 96 || c === 32 || c === 9 || c === 10 || c === 13 || c === 59 || c === 41 || c === 44 || c === 92 || Number.isNaN(c);
}

/**
 * SQL account passwords: `CREATE USER u IDENTIFIED BY 'pw'`, `ALTER USER u IDENTIFIED BY pw;` (MySQL, Oracle,
 * Snowflake). Bind variables and placeholders (`:pw`, `?`, `${…}`, `@var`) are left alone.
 */
export function findSqlPasswords(text: string, out: SecretEntity[], dl?: DeadlineClock): void {
  // One search per case for `identified `, then `by ` or `with `: a text the pre-pass cannot screen (not ASCII) is
  // searched twice, as it was before the plugin form.
  for (const [marker, by, withPlugin] of [['IDENTIFIED ', 'BY ', 'WITH '], ['identified ', 'by ', 'with ']] as const) {
    let check = 0;
    for (let at = indexOfFrom(text, marker, 0, dl); at !== -1; at = indexOfFrom(text, marker, at + marker.length, dl)) {
      if (at >= check) check = deadlineAt(dl, at);
      const p = at + marker.length;
      if (text.startsWith(by, p)) sqlValueAt(text, p + by.length, out);
      else if (text.startsWith(withPlugin, p)) pluginPasswordAt(text, p + withPlugin.length, out);
    }
  }
}

/**
 * MySQL with an authentication plugin: `IDENTIFIED WITH mysql_native_password BY '…'`, `p` after `WITH `. (`AS '…'`,
 * the stored hash, is left alone: the pre-pass would need a cue on `as`, a third of its time on prose.)
 */
function pluginPasswordAt(text: string, p: number, out: SecretEntity[]): void {
  const q = text.charCodeAt(p);
  if (q === 39 || q === 34 || q === 96) p++;
  const s = p;
  while (p - s <= 64 && isIdentChar(lowerAt(text, p))) p++;
  if (p === s || p - s > 64) return;
  if (text.charCodeAt(p) === q && (q === 39 || q === 34 || q === 96)) p++;
  if (text.charCodeAt(p) !== 32) return;
  if (text.slice(p + 1, p + 4).toUpperCase() === 'BY ') sqlValueAt(text, p + 4, out);
}

/** The SQL password value (quoted or bare) starting at `p`, after blanks, when it is not a bind variable or placeholder. */
function sqlValueAt(text: string, p: number, out: SecretEntity[]): void {
  while (text.charCodeAt(p) === 32) p++;
  const q = text.charCodeAt(p);
  if (q === 39 || q === 34 || q === 96) p++;
  const s = p;
  while (p - s <= 128 && !isSqlValueEnd(text.charCodeAt(p))) p++;
  const v = text.slice(s, p);
  const first = v.charCodeAt(0);
  if (v.length < 4 || p - s > 128 || first === 58 || first === 63 || first === 64 || first === 36 || isPlaceholder(v)) return;
  if (v.toUpperCase() === 'PASSWORD' || v.toUpperCase() === 'VALUES') return;
  out.push({ type: 'PASSWORD', start: s, end: p, score: 0.9 });
}
