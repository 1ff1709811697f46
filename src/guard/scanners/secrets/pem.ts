/** @module PEM and PGP private-key blocks, reported line by line (header, each base64 body line, footer) as the data labels them. */
import type { SecretEntity } from './filters.js';


const MAX_BLOCK = 64 * 1024;
const MIN_BODY_RUN = 12;

function isB64(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61;
}

/** Marker `-----BEGIN ... PRIVATE KEY...-----` or `-----END ...-----` starting at `i`; returns its end or -1. */
function markerEnd(text: string, i: number, word: string): number {
  if (!text.startsWith(word, i + 5)) return -1;
  const close = text.indexOf('-----', i + 5 + word.length);
  if (close === -1 || close - i > 100) return -1;
  const label = text.slice(i + 5 + word.length, close);
  if (label.includes('\n')) return -1;
  return close + 5;
}

export function findPrivateKeys(text: string, out: SecretEntity[]): void {
  let from = 0;
  for (let b = text.indexOf('-----BEGIN ', from); b !== -1; b = text.indexOf('-----BEGIN ', from)) {
    from = b + 11;
    const headEnd = markerEnd(text, b, 'BEGIN ');
    if (headEnd === -1 || !text.slice(b, headEnd).includes('PRIVATE KEY')) continue;
    out.push({ type: 'PRIVATE_KEY', start: b, end: headEnd, score: 0.99 });
    const limit = Math.min(text.length, headEnd + MAX_BLOCK);
    let end = text.indexOf('-----END ', headEnd);
    if (end === -1 || end > limit) end = limit;
    // Body: every base64 run long enough to be key material, whatever the quoting or line prefixes around it.
    let p = headEnd;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (!isB64(c)) {
        p++;
        continue;
      }
      const s = p;
      while (p < end && isB64(text.charCodeAt(p))) p++;
      if (p - s >= MIN_BODY_RUN || (p - s >= 4 && text.charCodeAt(p - 1) === 61)) out.push({ type: 'PRIVATE_KEY', start: s, end: p, score: 0.95 });
    }
    if (end < limit) {
      const footEnd = markerEnd(text, end, 'END ');
      if (footEnd !== -1) out.push({ type: 'PRIVATE_KEY', start: end, end: footEnd, score: 0.99 });
      from = Math.max(from, footEnd === -1 ? end + 9 : footEnd);
    } else from = Math.max(from, end);
  }
}
