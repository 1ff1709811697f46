/** @module Canonical form of untrusted text before scoring: NFKC, invisible and bidi controls removed, homoglyphs folded. */
import { buildConfusableTable } from './confusables.js';

const CONFUSABLES = buildConfusableTable();

/** Zero-width, bidi, tag and other format characters an attacker can use to split or hide words. */
export function isInvisible(c: number): boolean {
  return (
    c === 0x00ad || c === 0x034f || c === 0x061c || c === 0x115f || c === 0x1160 || c === 0x17b4 || c === 0x17b5 ||
    c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
    c === 0x3164 || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff || c === 0xffa0 || (c >= 0xfff0 && c <= 0xfff8)
  );
}

/** A code unit outside printable ASCII and ordinary whitespace (tab, line feed, carriage return). */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/;

/**
 * True when every code unit is printable ASCII or ordinary whitespace: the common case, skipped cheaply
 * (irregexp scans one character class several times faster than a charCodeAt loop).
 */
export function isPlainAscii(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/**
 * Returns the scan form of `text`. Identity on plain ASCII, so offsets stay valid there. Tag characters
 * (U+E0000 block, surrogate pairs) are decoded to the ASCII they smuggle rather than dropped.
 */
export function normalizeForScan(text: string): string {
  if (isPlainAscii(text)) return text;
  const nf = text.normalize('NFKC');

  let chunkStart = 0;
  const parts: string[] = [];
  for (let i = 0; i < nf.length; i++) {
    const c = nf.charCodeAt(i);
    let repl: string | undefined;
    let skip = 1;
    if (c === 0xdb40 && i + 1 < nf.length) {
      const lo = nf.charCodeAt(i + 1);
      // U+E0020..U+E007E are invisible "tag" twins of ASCII 0x20..0x7E.
      if (lo >= 0xdc20 && lo <= 0xdc7e) repl = String.fromCharCode(lo - 0xdc00);
      else repl = '';
      skip = 2;
    } else if (isInvisible(c) || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) {
      repl = '';
    } else if (c >= 0x370) {
      const m = CONFUSABLES.get(c) ?? CONFUSABLES.get(String.fromCharCode(c).toLowerCase().charCodeAt(0));
      if (m !== undefined) repl = String.fromCharCode(m);
    }
    if (repl !== undefined) {
      if (i > chunkStart) parts.push(nf.slice(chunkStart, i));
      parts.push(repl);
      chunkStart = i + skip;
      i += skip - 1;
    }
  }
  if (parts.length === 0) return nf;
  if (chunkStart < nf.length) parts.push(nf.slice(chunkStart));
  return parts.join('');

}
