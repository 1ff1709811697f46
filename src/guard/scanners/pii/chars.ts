/** @module Character-class tests on UTF-16 code units, shared by the linear-time recognisers. */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

export function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Word-character test for any UTF-16 unit by block ranges: letters and combining marks of the BMP scripts count,
 * punctuation, symbol and space blocks and lone surrogates (emoji) do not. Approximate by design: a table lookup
 * keeps tokenising 4 MiB of non-Latin text fast, where a Unicode property regex per character would not.
 */
export function isWordUnit(c: number): boolean {
  if (c < 128) return isAsciiAlnum(c);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c < 0x2000) return c !== 0x37e; // Latin to Greek, Cyrillic, Indic blocks; not the Greek question mark
  if (c < 0x2c00) return false; // general punctuation, symbols, arrows, box drawing
  if (c < 0x2e00) return true;
  if (c < 0x3040) return c >= 0x2e80 && c < 0x3000; // CJK radicals yes, CJK punctuation no
  if (c < 0xd800) return true;
  if (c < 0xf900) return false; // surrogates and private use
  if (c < 0xfe00) return true;
  if (c < 0xfe70) return false;
  if (c < 0xff00) return c !== 0xfeff;
  return (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a) || (c >= 0xff66 && c <= 0xffdc);
}

/** Letter test that also handles non-ASCII letters. */
export function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return isAsciiLetter(c);
  return isWordUnit(c);
}

/** True when the character before `i` cannot continue a word or number (start of a token). */
export function boundaryBefore(text: string, i: number): boolean {
  if (i <= 0) return true;
  const c = text.charCodeAt(i - 1);
  if (c < 128) return !isAsciiAlnum(c) && c !== 95;
  return !isLetterAt(text, i - 1);
}

/** True when the character at `i` cannot continue the token that ended there. */
export function boundaryAfter(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  if (c < 128) return !isAsciiAlnum(c) && c !== 95;
  return !isLetterAt(text, i);
}

export function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
