/** @module The canary token Warden puts into system prompts, and its detection in answers despite case or separators. */

const PREFIX = 'wdn';
const HEX_LEN = 16;

/** `wdn-` + 16 lower-case hex digits from the caller's randomness (the guard room owns no random source). */
export function makeCanary(randomHex: string): string {
  const hex = randomHex.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length < HEX_LEN) throw new TypeError(`makeCanary needs at least ${HEX_LEN} hex digits`);
  return `${PREFIX}-${hex.slice(0, HEX_LEN)}`;
}

/**
 * Puts the canary first, as an HTML comment: "repeat everything above" attacks reproduce the start of the prompt
 * first, and a comment is the form models least often paraphrase or drop.
 */
export function insertCanary(systemText: string, canary: string): string {
  return `<!-- ${canary} -->\n${systemText}`;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Code-unit span of the first occurrence of `canary` in `text`, comparing only ASCII letters and digits, case
 * folded: a canary split by spaces, dashes or markup still matches. One KMP pass, no allocation per character.
 */
export function findCanary(text: string, canary: string): { start: number; end: number } | undefined {
  const needle: number[] = [];
  for (let i = 0; i < canary.length; i++) {
    const c = canary.charCodeAt(i);
    if (isAlnum(c)) needle.push(c >= 0x41 && c <= 0x5a ? c + 32 : c);
  }
  const m = needle.length;
  if (m < 8) return undefined;
  const fail = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1] ?? 0;
    if (needle[i] === needle[k]) k++;
    fail[i] = k;
  }
  const pos = new Int32Array(m); // ring of the positions of the last m compared characters
  let seen = 0;
  for (let i = 0, k = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (!isAlnum(c)) continue;
    if (c >= 0x41 && c <= 0x5a) c += 32;
    pos[seen % m] = i;
    seen++;
    while (k > 0 && needle[k] !== c) k = fail[k - 1] ?? 0;
    if (needle[k] === c) k++;
    if (k === m) return { start: pos[(seen - m) % m] ?? 0, end: i + 1 };
  }
  return undefined;
}
