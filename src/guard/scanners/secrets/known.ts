/** @module Token pass for provider formats and JWTs: one scan over token-character runs, first-character dispatch. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom, testFrom } from '../../text/chunked-search.js';
import { charClasses, hasSequence, isPlaceholder, type SecretEntity, shannonEntropy } from './filters.js';
import { githubChecksumValid } from './github-checksum.js';
import { type Format, FORMATS, inCharset } from './known-formats.js';

const MAX_TOKEN = 4096;
/** The next character that is not a token character (see isTokenChar). */
const NON_TOKEN = /[^0-9A-Za-z+/._-]/g;
/**
 * Runs shorter than this are not examined. Every format needs 20+ characters of its charset and a JWT 16 token
 * characters; '=' padding after a shorter run leaves a body whose entropy is below the formats' floor.
 */
const MIN_RUN = 16;
/** Segments at least this long are searched with a regex instead of character by character. */
const LONG_SEGMENT = 256;


/** '=' is not a token character: it separates `KEY=value`; base64 padding is re-attached by the formats that use it. */
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 || c === 43 || c === 47 || c === 46;
}

const BY_FIRST: ReadonlyMap<number, readonly Format[]> = (() => {
  const m = new Map<number, Format[]>();
  for (const f of FORMATS) {
    const c = f.prefix.charCodeAt(0);
    const list = m.get(c) ?? [];
    list.push(f);
    m.set(c, list);
  }
  return m;
})();

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Bech32 checksum (age secret keys): catches the one-character-off fakes in documentation. */
function bech32Valid(s: string): boolean {
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) return false;
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  const step = (v: number): void => {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] ?? 0;
  };
  for (let i = 0; i < sep; i++) step(lower.charCodeAt(i) >>> 5);
  step(0);
  for (let i = 0; i < sep; i++) step(lower.charCodeAt(i) & 31);
  for (let i = sep + 1; i < lower.length; i++) {
    const v = BECH32.indexOf(lower.charAt(i));
    if (v === -1) return false;
    step(v);
  }
  return chk === 1;
}

/** A token followed by `.word` is the head of a host name (`akab-….akamaiapis.net`), not a credential. */
function hostNameFollows(text: string, p: number): boolean {
  const c = text.charCodeAt(p + 1) | 0x20;
  return text.charCodeAt(p) === 46 && c >= 97 && c <= 122;
}

function matchFormat(text: string, s: number, e: number, f: Format): number {
  if (!text.startsWith(f.prefix, s)) return -1;
  let p = s + f.prefix.length;
  while (p < e && inCharset(text.charCodeAt(p), f.charset)) p++;
  // Trailing dots are sentence punctuation.
  while (p > s + f.prefix.length && text.charCodeAt(p - 1) === 46) p--;
  const len = p - s;
  if (f.exact !== undefined) {
    if (len < f.exact) return -1;
    p = s + f.exact;
    const after = text.charCodeAt(p);
    if ((after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122)) return -1;
  } else if (len - f.prefix.length < f.min) return -1;
  if (hostNameFollows(text, p)) return -1;
  return p;
}

/** GitHub token prefixes whose tokens end in a CRC-32 (see github-checksum.ts). */
const GITHUB_CHECKSUMMED: ReadonlySet<string> = new Set(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']);

/** After an SGR escape's parameters at `s` (`94m`, `1;31m`): the index past its `m`, or `s` when there is none. */
function sgrEnd(text: string, s: number, e: number): number {
  let p = s;
  while (p < e && p - s < 12 && (isDigit(text.charCodeAt(p)) || text.charCodeAt(p) === 59)) p++;
  return p > s && text.charCodeAt(p) === 109 ? p + 1 : s;
}

function jwtEnd(text: string, s: number, e: number): number {
  if (!text.startsWith('eyJ', s)) return -1;
  const token = text.slice(s, e);
  const parts = token.split('.');
  if (parts.length < 3 || (parts[0]?.length ?? 0) < 10 || (parts[1]?.length ?? 0) < 4) return -1;
  if (!(parts[1] ?? '').startsWith('eyJ')) return -1;
  let p = e;
  while (p > s && text.charCodeAt(p - 1) === 46) p--;
  // A signature that spells a placeholder (`…EXAMPLE…`, `…FAKE…`) marks a documentation sample.
  const sig = parts[2] ?? '';
  if (isPlaceholder(sig) || /fake/i.test(sig)) return -2;
  return p;
}

/**
 * `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. `bytes`: the text
 * as bytes when it is ASCII (see asciiBytes), to skip words without a call per word.
 */
export function findKnownFormats(text: string, out: SecretEntity[], dl?: DeadlineClock, bytes?: Uint8Array): void {
  const n = text.length;
  const seen: ScanState = { clientIdEnd: -1 };
  // The next run of MIN_RUN token characters; a literal per call, as it keeps a lastIndex.
  const run = /[0-9A-Za-z+/._-]{16}/g;
  let i = 0;
  let segEnd = -1;
  let check = 0;
  while (i < n) {
    if (i >= check) check = deadlineAt(dl, i);
    if (i > segEnd) {
      // A run never crosses a space, so a space-delimited segment shorter than 16 (a word of prose) holds no run
      // long enough to examine: indexOf finds the spaces far faster than this loop tests each character. In ASCII
      // text the next 16 bytes are looked at first: most words end there, and a call per word cost a fifth of a 2 KB
      // scan.
      if (bytes !== undefined) {
        const limit = Math.min(n, i + 16);
        let p = i;
        while (p < limit && bytes[p] !== 32) p++;
        if (p < limit) {
          i = p + 1;
          continue;
        }
      }
      const sp = indexOfFrom(text, ' ', i, dl);
      const end = sp === -1 ? n : sp;
      if (end - i < 16) {
        i = end + 1;
        continue;
      }
      segEnd = end;
    }
    if (segEnd - i >= LONG_SEGMENT) {
      // A long stretch without spaces (invisible characters, CJK, symbols): the regex engine finds the next run of 16
      // token characters far faster than this loop steps through it. `i` is never inside a run here, so the match
      // starts a run; a shorter run (even with '=' padding) matches no format (see MIN_RUN).
      const runEnd = testFrom(run, text, i, MIN_RUN, dl);
      if (runEnd === -1) return;
      const s = runEnd - MIN_RUN;
      if (s > segEnd) {
        const sp = indexOfFrom(text, ' ', s, dl);
        segEnd = sp === -1 ? n : sp;
      }
      i = s;
    }
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const s0 = i;
    while (i < n && i - s0 < MAX_TOKEN && isTokenChar(text.charCodeAt(i))) i++;
    while (i < n && i - s0 < MAX_TOKEN && text.charCodeAt(i) === 61 && !isTokenChar(text.charCodeAt(i + 1))) i++;
    const e = i;
    if (i < n && isTokenChar(text.charCodeAt(i))) {
      // An over-long run is examined once; the rest is skipped by the regex engine, several times faster than a
      // loop here on a 4 MiB run.
      const stop = testFrom(NON_TOKEN, text, i, 1, dl);
      i = stop === -1 ? n : stop - 1;
      check = deadlineAt(dl, i);
    }
    // A terminal colour code (`ESC[94m`) glued to a token in a log line is markup, not part of the token.
    const s = s0 >= 2 && text.charCodeAt(s0 - 1) === 91 && text.charCodeAt(s0 - 2) === 27 ? sgrEnd(text, s0, e) : s0;
    if (e - s < MIN_RUN) continue;
    const bot = telegramStart(text, s, e);
    if (bot !== -1) {
      out.push({ type: 'API_KEY', start: bot, end: e, score: 0.95 });
      continue;
    }
    const jwt = jwtEnd(text, s, e);
    if (jwt === -2) continue;
    if (jwt !== -1) {
      out.push({ type: 'API_KEY', start: s, end: jwt, score: 0.95 });
      continue;
    }
    if (matchToken(text, s, e, out, seen)) continue;
    if (jwkBase64(text, s, e)) {
      out.push({ type: 'API_KEY', start: s, end: e, score: 0.9 });
      continue;
    }
    // A token may sit inside a longer run as a path segment (`…/token/hf_…/part`): each later segment is tried; one
    // after a segment that names a token or key is taken when it is random (`/api/token/Zq8…`).
    let named = false;
    // The slashes are searched within the run: indexOf over the rest of the text made a text of many slash-free runs
    // quadratic (4 MiB of 72-character runs: seconds without a deadline).
    for (let from = slashWithin(text, s, e) + 1; from > 0 && from < e; ) {
      const slash = slashWithin(text, from, e);
      const segEnd = slash === -1 ? e : slash;
      if (segEnd - from >= MIN_RUN && matchToken(text, from, segEnd, out, seen, false)) break;
      if (named && segEnd - from >= 24 && randomSegment(text, from, segEnd)) {
        out.push({ type: 'API_KEY', start: from, end: segEnd, score: 0.85 });
        break;
      }
      named = segEnd - from <= 12 && NAMES_TOKEN.has(text.slice(from, segEnd).toLowerCase());
      from = segEnd + 1;
    }
  }
}

/**
 * A Telegram bot token, `<bot id>:<35 characters>`: the colon ends the run of token characters, so the run after it
 * is the token's secret half and the 8-10 digits before the colon its id. Returns the id's start or -1.
 */
function telegramStart(text: string, s: number, e: number): number {
  if (e - s !== 35 || text.charCodeAt(s - 1) !== 58 || text.charCodeAt(s) !== 65 || text.charCodeAt(s + 1) !== 65) return -1;
  let d = s - 1;
  while (d > 0 && s - 1 - d < 11 && isDigit(text.charCodeAt(d - 1))) d--;
  const digits = s - 1 - d;
  if (digits < 8 || digits > 10 || (d > 0 && isTokenChar(text.charCodeAt(d - 1)))) return -1;
  return allBody(text, s, e) ? d : -1;
}

/** The first '/' in text[from, e), or -1. */
function slashWithin(text: string, from: number, e: number): number {
  for (let i = from; i < e; i++) if (text.charCodeAt(i) === 47) return i;
  return -1;
}

/** Base64 of `{"`, `{` and a line break, `[` and a line break: the first characters of encoded JSON. */
const JSON_B64_HEADS: readonly string[] = ['eyI', 'ewo', 'ew0', 'Wwo', 'Ww0'];

/**
 * A JSON Web Key (or a set of them) in base64 holding a private or secret member: `"kty"` with `"d"` (EC, RSA,
 * OKP private keys) or `"k"` (a symmetric key). Only runs of 64-4096 characters that start as encoded JSON are decoded.
 */
function jwkBase64(text: string, s: number, e: number): boolean {
  if (e - s < 64 || e - s >= MAX_TOKEN || !JSON_B64_HEADS.some((h) => text.startsWith(h, s))) return false;
  const json = Buffer.from(text.slice(s, e), 'base64').toString('latin1');
  return json.includes('"kty"') && (/"d"\s*:/.test(json) || /"k"\s*:/.test(json));
}

/** Path segments after which a URL carries a credential. */
const NAMES_TOKEN: ReadonlySet<string> = new Set(['token', 'tokens', 'apikey', 'api_key', 'api-key', 'secret', 'access_token']);

/** Letters (both cases) and digits only, mixed, with the entropy of random text. */
function randomSegment(text: string, s: number, e: number): boolean {
  if (!allAlnum(text, s, e)) return false;
  const v = text.slice(s, e);
  return charClasses(v) === 3 && !isPlaceholder(v) && shannonEntropy(v) >= 4;
}

/**
 * A Salesforce organisation id as credential listings give it beside the org's tokens: `00D`, then 12 to 15 letters
 * and digits mixing both (upper-case hex alone is a digest's shape), the whole run.
 */
function salesforceOrgEnd(text: string, s: number, e: number): number {
  if (e - s < 15 || e - s > 18 || !text.startsWith('00D', s) || !allAlnum(text, s, e)) return -1;
  const body = text.slice(s + 3, e);
  if (/^[0-9A-F]+$/.test(body) || !/[0-9]/.test(body) || !/[G-Zg-z]/.test(body)) return -1;
  return shannonEntropy(body) >= 3 ? e : -1;
}

/**
 * A two-factor (TOTP) seed standing alone: exactly 16 or 32 base32 characters (`A-Z`, `2-7`) with 2+ digits and the
 * entropy of random text, as authenticator set-up pages show it.
 */
function base32Secret(text: string, s: number, e: number): boolean {
  if (e - s !== 16 && e - s !== 32) return false;
  let digits = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 50 && c <= 55) digits++;
    else if (c < 65 || c > 90) return false;
  }
  const v = text.slice(s, e);
  return digits >= 2 && digits <= (e - s) / 2 && !isPlaceholder(v) && shannonEntropy(v) >= (e - s === 16 ? 3.3 : 3.8);
}

/** SendGrid keys: `SG.`, 16-32 characters, a dot, 16-64 characters (word characters and `-`). */
function sendgridEnd(text: string, s: number, e: number): number {
  if (!text.startsWith('SG.', s)) return -1;
  const dot = text.indexOf('.', s + 3);
  if (dot === -1 || dot >= e || dot - s - 3 < 16 || dot - s - 3 > 32) return -1;
  let p = dot + 1;
  while (p < e && p - dot - 1 < 64 && isBodyChar(text.charCodeAt(p))) p++;
  if (p - dot - 1 < 16 || (p < e && isTokenChar(text.charCodeAt(p)))) return -1;
  return !allBody(text, s + 3, dot) || isPlaceholder(text.slice(s + 3, p)) ? -1 : p;
}

/**
 * A Discord bot token: the bot's numeric id in base64 (17-20 digits: `M`, `N` or `O` then 23-27 characters), a dot, a
 * 6-character timestamp, a dot and an HMAC of 27 or more characters. Returns its end or -1.
 */
function discordEnd(text: string, s: number, e: number): number {
  const c = text.charCodeAt(s);
  if ((c !== 77 && c !== 78 && c !== 79) || e - s < 59) return -1;
  const d1 = text.indexOf('.', s);
  if (d1 === -1 || d1 - s < 23 || d1 - s > 28 || text.charCodeAt(d1 + 7) !== 46) return -1;
  let p = d1 + 8;
  while (p < e && p - d1 - 8 < 48 && isBodyChar(text.charCodeAt(p))) p++;
  if (p - d1 - 8 < 27) return -1;
  // Buffer.from skips what is not base64 rather than throwing.
  const id = Buffer.from(text.slice(s, d1), 'base64').toString('latin1');
  return /^[0-9]{17,20}$/.test(id) ? p : -1;
}

/**
 * A provider format, else the generic `word_` / `word-` prefixed shape, at `s`; pushes the finding. `whole`: text[s, e)
 * is a whole run of token characters, not one segment of a path.
 */
function matchToken(text: string, s: number, e: number, out: SecretEntity[], seen: ScanState, whole = true): boolean {
  for (const f of BY_FIRST.get(text.charCodeAt(s)) ?? []) {
    const end = matchFormat(text, s, e, f);
    if (end === -1) continue;
    const value = text.slice(s, end);
    const body = value.slice(f.prefix.length);
    const checked = GITHUB_CHECKSUMMED.has(f.prefix) && githubChecksumValid(text, s + f.prefix.length, end);
    // A random part of digits only (`hf_` and 30 digits) is a made-up example: providers draw from letters as well.
    if (!checked && (isPlaceholder(body) || hasSequence(body, 6) || shannonEntropy(body) < 2.5 || allDigits(body))) return true;
    if (f.prefix === 'AGE-SECRET-KEY-1' && !bech32Valid(value)) return true;
    out.push({ type: f.type, start: s, end, score: 0.97 });
    return true;
  }
  // Azure keys of the 84-character format (AI services, OpenAI, DevOps PATs): `JQQJ99` at 52 and `AC` at 60.
  if (e - s >= 84 && text.startsWith('JQQJ99', s + 52) && text.startsWith('AC', s + 60) && allAlnum(text, s, s + 84)) {
    out.push({ type: 'API_KEY', start: s, end: s + 84, score: 0.97 });
    return true;
  }
  // Mailgun keys of the newer shape (32, 8 and 8 hex digits) and Mailchimp keys (32 hex digits, `-us` and a
  // data-centre number).
  const mail = hexKeyEnd(text, s, e);
  if (mail !== -1) {
    out.push({ type: 'API_KEY', start: s, end: mail, score: 0.9 });
    return true;
  }
  // Terraform Cloud / HCP tokens: 14 characters, `.atlasv1.`, then 60+ more.
  if (e - s >= 83 && text.startsWith('.atlasv1.', s + 14)) {
    out.push({ type: 'API_KEY', start: s, end: e, score: 0.97 });
    return true;
  }
  // Shapes this loose are taken only as a whole run, not as a segment of a path or of base64 text.
  const org = whole ? salesforceOrgEnd(text, s, e) : -1;
  if (org !== -1) {
    out.push({ type: 'API_KEY', start: s, end: org, score: 0.85 });
    return true;
  }
  if (whole && base32Secret(text, s, e)) {
    out.push({ type: 'API_KEY', start: s, end: e, score: 0.85 });
    return true;
  }
  const sendgrid = sendgridEnd(text, s, e);
  if (sendgrid !== -1) {
    out.push({ type: 'API_KEY', start: s, end: sendgrid, score: 0.95 });
    return true;
  }
  const discord = discordEnd(text, s, e);
  if (discord !== -1) {
    out.push({ type: 'API_KEY', start: s, end: discord, score: 0.95 });
    return true;
  }
  const oauth = googleClientIdEnd(text, s, e);
  if (oauth !== -1) {
    out.push({ type: 'API_KEY', start: s, end: oauth, score: 0.95 });
    seen.clientIdEnd = oauth;
    return true;
  }
  // The client secret given after its client id: 24 random characters standing alone, a few lines on.
  if (whole && e - s === 24 && seen.clientIdEnd !== -1 && s > seen.clientIdEnd && s - seen.clientIdEnd <= 512 && clientSecretShape(text, s, e)) {
    out.push({ type: 'API_KEY', start: s, end: e, score: 0.85 });
    return true;
  }
  const end = prefixedTokenEnd(text, s, e);
  if (end === -1) return false;
  out.push({ type: 'API_KEY', start: s, end, score: 0.9 });
  return true;
}

/** What one scan of a text has seen so far: the end of the last Google OAuth client id, or -1. */
type ScanState = { clientIdEnd: number };

function clientSecretShape(text: string, s: number, e: number): boolean {
  if (!allBody(text, s, e)) return false;
  const v = text.slice(s, e);
  return charClasses(v) >= 3 && !isPlaceholder(v) && shannonEntropy(v) >= 3.8;
}

const GOOGLE_CLIENT_ID = /^[0-9]{12}-[a-z0-9]{32}\.apps\.googleusercontent\.com/;

/** A Google OAuth client id (`123456789012-….apps.googleusercontent.com`), which pairs with its client secret. */
function googleClientIdEnd(text: string, s: number, e: number): number {
  const c = text.charCodeAt(s);
  if (c < 48 || c > 57 || e - s < 72) return -1;
  const m = GOOGLE_CLIENT_ID.exec(text.slice(s, Math.min(e, s + 72)));
  return m === null ? -1 : s + m[0].length;
}

/** Prefixes that name a digest or an encoding, not a credential: `sha384-…` is a subresource-integrity hash. */
const NOT_CREDENTIAL_PREFIX = new Set(['sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5', 'blake2b', 'base64', 'hex', 'uuid', 'guid', 'id', 'data', 'urn', 'isbn', 'doi']);

/**
 * The shape most providers now give their tokens (GitLab `glpat-`, Sentry `sntryu_`, SonarQube `squ_`, Cloudflare
 * `cfat_`, Netlify `nfp_`, …), for the many not in FORMATS: a prefix of 2-16 letters, optionally with a version
 * part (`tgp_v1_`) or a second word (`bedrock-api-key-`), each ending in `_` or `-`, then a body of 20+ token
 * characters mixing letters and digits, with the entropy of random text (hex bodies of 32+ included). Returns the
 * token's end or -1.
 */
function prefixedTokenEnd(text: string, s: number, e: number): number {
  let p = s;
  let words = 0;
  let firstWordEnd = -1;
  for (;;) {
    const w = p;
    while (p < e && p - w <= 16 && isLetter(text.charCodeAt(p))) p++;
    // a version part: `v1`
    while (p < e && p - w <= 16 && isDigit(text.charCodeAt(p)) && p > w && (text.charCodeAt(w) | 32) === 118) p++;
    const len = p - w;
    const sep = text.charCodeAt(p);
    if (len < (words === 0 ? 3 : 2) || len > 16 || (sep !== 95 && sep !== 45)) {
      p = w;
      break;
    }
    if (firstWordEnd === -1) firstWordEnd = p;
    words++;
    p++;
    if (words === 4) break;
  }
  if (words === 0 || NOT_CREDENTIAL_PREFIX.has(text.slice(s, firstWordEnd).toLowerCase())) return -1;
  // Providers' prefixes are words in one case (`glpat`, `HRKU`, `Sk`); one mixing cases inside (`AAEuLPKs`) is the
  // head of a random string that happens to hold a dash.
  if (mixedCaseInside(text, s + 1, firstWordEnd)) return -1;
  const b = p;
  while (p < e && isBodyChar(text.charCodeAt(p))) p++;
  if (hostNameFollows(text, p)) return -1;
  const body = text.slice(b, p);
  if (body.length < 20 || body.length > 256 || !/[0-9]/.test(body) || !/[A-Za-z]/.test(body)) return -1;
  if (isSlug(body)) return -1;
  if (isPlaceholder(body) || hasSequence(body, 6)) return -1;
  const hex = /^[0-9a-f]+$/i.test(body);
  if (hex ? body.length < 32 || shannonEntropy(body) < 3.2 : shannonEntropy(body) < 3.6) return -1;
  return p;
}

/** An upper-case and a lower-case letter both in text[s, e). */
function mixedCaseInside(text: string, s: number, e: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return upper && lower;
}

/**
 * Words joined by hyphens or underscores (`in-the-wild-7bc15347c96`, a blog post's URL slug; `is_valid_user_id`):
 * three or more parts of lower-case letters only. A random body has at most one such part by chance.
 */
function isSlug(body: string): boolean {
  let words = 0;
  for (const part of body.split(/[-_]/)) if (part.length >= 2 && /^[a-z]+$/.test(part) && ++words === 3) return true;
  return false;
}

const MAILGUN = /^[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}(?![0-9A-Za-z_-])/;
const MAILCHIMP = /^[0-9a-f]{32}-us[0-9]{1,2}(?![0-9A-Za-z_-])/;

function hexKeyEnd(text: string, s: number, e: number): number {
  if (e - s < 36 || text.charCodeAt(s + 32) !== 45) return -1;
  const head = text.slice(s, Math.min(e, s + 51));
  const m = MAILGUN.exec(head) ?? MAILCHIMP.exec(head);
  if (m === null || shannonEntropy(m[0].slice(0, 32)) < 3) return -1;
  return s + m[0].length;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function allAlnum(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isLetter(text.charCodeAt(i)) && !isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Letters, digits, `_` and `-` only in text[s, e) (see isBodyChar). */
function allBody(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isBodyChar(text.charCodeAt(i))) return false;
  return true;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBodyChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95 || c === 45;
}
