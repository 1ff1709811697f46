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

/** ASCII letters and digits only, lower-cased: a canary split by spaces, dashes or markup still matches. */
export function squeeze(s: string): string {
  let out = '';
  let from = -1;
  for (let i = 0; i < s.length; i++) {
    if (isAlnum(s.charCodeAt(i))) {
      if (from < 0) from = i;
    } else if (from >= 0) {
      out += s.slice(from, i);
      from = -1;
    }
  }
  if (from >= 0) out += s.slice(from);
  return out.toLowerCase();
}

/** Code-unit span of the first occurrence of `canary` in `text` (after squeezing both), or undefined. */
export function findCanary(text: string, canary: string): { start: number; end: number } | undefined {
  const needle = squeeze(canary);
  if (needle.length < 8) return undefined;
  const at = squeeze(text).indexOf(needle);
  if (at < 0) return undefined;
  let seen = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (!isAlnum(text.charCodeAt(i))) continue;
    if (seen === at) start = i;
    seen++;
    if (seen === at + needle.length) return { start, end: i + 1 };
  }
  return undefined;
}
