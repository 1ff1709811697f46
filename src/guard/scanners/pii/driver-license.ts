/** @module US driver's licence numbers: only next to the words that introduce them, since the formats are generic. */
import { isAsciiAlnum, isDigit } from './chars.js';
import { KIND, type SpanList } from './spans.js';

const CUE = /driver'?s?\s{0,3}licen[cs]e|driving\s{0,3}licen[cs]e|\bDL\b|\bD\.L\./gi;
const FILLER = new Set(['number', 'no', 'num', 'nr', 'is', 'id', 'my', '#', ':', 'of']);

export function findDriverLicenses(text: string, out: SpanList): void {
  for (const m of text.matchAll(CUE)) {
    let p = m.index + m[0].length;
    const limit = Math.min(text.length, p + 40);
    // Skip filler words and punctuation between the cue and the value.
    while (p < limit) {
      while (p < limit && !isAsciiAlnum(text.charCodeAt(p)) && text.charCodeAt(p) !== 35) p++;
      let e = p;
      while (e < text.length && e - p <= 20 && (isAsciiAlnum(text.charCodeAt(e)) || text.charCodeAt(e) === 45)) e++;
      if (e === p) {
        p++;
        continue;
      }
      const word = text.slice(p, e).toLowerCase();
      if (FILLER.has(word)) {
        p = e;
        continue;
      }
      let digits = 0;
      for (let k = p; k < e; k++) if (isDigit(text.charCodeAt(k))) digits++;
      if (e - p >= 5 && e - p <= 20 && digits >= 4) out.add(KIND.US_DRIVER_LICENSE, p, e, 0.8);
      break;
    }
  }
}
