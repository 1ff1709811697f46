/** @module Value filters shared by the secret rules: placeholders, masks, digit/letter sequences, entropy. */

export type SecretType = 'API_KEY' | 'PASSWORD' | 'PRIVATE_KEY';

const PLACEHOLDER_WORDS = [
  'xxx', 'your', 'example', 'changeme', 'change_me', 'change-me', 'placeholder', 'dummy', 'redacted', 'replace',
  'insert', 'todo', 'fixme', 'secret_here', 'key_here', 'token_here', 'password_here', 'sample', 'mypassword',
  '***', '...', '${', '{{', '%(', '<', '>', '$(', '#{',
];
const PLACEHOLDER_EXACT = new Set(['password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'none', 'null', 'nil', 'true', 'false', 'undefined', 'empty', 'test', 'admin', 'string', 'value', 'required', 'optional']);

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A run of `len` characters each one above (or below) the previous: "12345", "abcde", "654321". */
export function hasSequence(s: string, len: number): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (up >= len || down >= len) return true;
  }
  return false;
}

function allSame(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) !== s.charCodeAt(0)) return false;
  return true;
}

export function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (v.length === 0 || allSame(v) || PLACEHOLDER_EXACT.has(v)) return true;
  for (const w of PLACEHOLDER_WORDS) if (v.includes(w)) return true;
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: string): boolean {
  return v.length === 36 && UUID.test(v);
}

export function charClasses(v: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/** A detected secret: UTF-16 code-unit offsets into the text, end exclusive; score in [0, 1]. */
export type SecretEntity = {
  readonly type: SecretType;
  readonly start: number;
  readonly end: number;
  readonly score: number;
};
