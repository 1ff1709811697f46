/** @module US driver's licence numbers: only next to the words that introduce them, since the formats are generic. */
import { execFrom } from '../../text/chunked-search.js';
import type { DeadlineClock } from '../../types.js';
import { isAsciiAlnum, isDigit } from './chars.js';
import { KIND, type SpanList } from './spans.js';

const CUE = /driver'?s?\s{0,3}licen[cs]e|driving\s{0,3}licen[cs]e|\bDL\b|\bD\.L\./gi;
/** No match of CUE is longer (`driver's   licence`: 18). */
const CUE_MAX = 24;
const FILLER = new Set(['number', 'no', 'num', 'nr', 'is', 'id', 'my', '#', ':', 'of']);

/** `dl`: a deadline read as the cue is searched for (see text/chunked-search.ts); absent, never. */
export function findDriverLicenses(text: string, out: SpanList, dl?: DeadlineClock): void {
  for (let at = execFrom(CUE, text, 0, CUE_MAX, dl); at !== -1; at = execFrom(CUE, text, CUE.lastIndex, CUE_MAX, dl)) {
    let p = CUE.lastIndex;
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
