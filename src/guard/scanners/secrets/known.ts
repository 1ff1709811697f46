/** @module Token pass for provider formats and JWTs: one scan over token-character runs, first-character dispatch. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { hasSequence, isPlaceholder, type SecretEntity, shannonEntropy } from './filters.js';
import { type Format, FORMATS, inCharset } from './known-formats.js';

const MAX_TOKEN = 4096;
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
  // Followed by `.word`: a host name (akab-….akamaiapis.net), not a token.
  if (text.charCodeAt(p) === 46 && /[A-Za-z]/.test(text.charAt(p + 1))) return -1;
  return p;
}

function jwtEnd(text: string, s: number, e: number): number {
  if (!text.startsWith('eyJ', s)) return -1;
  const token = text.slice(s, e);
  const parts = token.split('.');
  if (parts.length < 3 || (parts[0]?.length ?? 0) < 10 || (parts[1]?.length ?? 0) < 4) return -1;
  if (!(parts[1] ?? '').startsWith('eyJ')) return -1;
  let p = e;
  while (p > s && text.charCodeAt(p - 1) === 46) p--;
  return p;
}

/**
 * `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. `bytes`: the text
 * as bytes when it is ASCII (see asciiBytes), to skip words without a call per word.
 */
export function findKnownFormats(text: string, out: SecretEntity[], dl?: DeadlineClock, bytes?: Uint8Array): void {
  const n = text.length;
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
      const sp = text.indexOf(' ', i);
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
      run.lastIndex = i;
      if (!run.test(text)) return;
      const s = run.lastIndex - MIN_RUN;
      if (s > segEnd) {
        const sp = text.indexOf(' ', s);
        segEnd = sp === -1 ? n : sp;
      }
      i = s;
    }
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i;
    while (i < n && i - s < MAX_TOKEN && isTokenChar(text.charCodeAt(i))) i++;
    while (i < n && i - s < MAX_TOKEN && text.charCodeAt(i) === 61 && !isTokenChar(text.charCodeAt(i + 1))) i++;
    const e = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++; // an over-long run is examined once
    if (e - s < MIN_RUN) continue;
    const jwt = jwtEnd(text, s, e);
    if (jwt !== -1) {
      out.push({ type: 'API_KEY', start: s, end: jwt, score: 0.95 });
      continue;
    }
    for (const f of BY_FIRST.get(text.charCodeAt(s)) ?? []) {
      const end = matchFormat(text, s, e, f);
      if (end === -1) continue;
      const value = text.slice(s, end);
      const body = value.slice(f.prefix.length);
      if (isPlaceholder(body) || hasSequence(body, 6) || shannonEntropy(body) < 2.5) break;
      if (f.prefix === 'AGE-SECRET-KEY-1' && !bech32Valid(value)) break;
      out.push({ type: f.type, start: s, end, score: 0.97 });
      break;
    }
  }
}
