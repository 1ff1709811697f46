/** @module IBAN recogniser: country letters + check digits at a word start, compact or in groups of four, mod-97 checked. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { testFrom } from '../../text/chunked-search.js';
import { boundaryAfter, boundaryBefore, isAsciiAlnum } from './chars.js';
import { ibanValid } from './checksums.js';
import { KIND, type SpanList } from './spans.js';

const MAX_IBAN = 34;

/** `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. */
export function findIbans(text: string, out: SpanList, dl?: DeadlineClock): void {
  const n = text.length;
  // Candidates (two letters, two digits) come from the regex engine, several times faster than a charCodeAt loop.
  const candidate = /[A-Za-z]{2}[0-9]{2}/g;
  let i = 0;
  let check = 0;
  while (i + 4 <= n) {
    const at = testFrom(candidate, text, i, 4, dl);
    if (at === -1) return;
    i = at - 4;
    if (i >= check) check = deadlineAt(dl, i);
    if (!boundaryBefore(text, i)) {
      i++;
      continue;
    }
    // Collect alphanumerics, allowing single spaces between groups; remember each possible end.
    let p = i;
    let compact = '';
    const ends: { end: number; len: number }[] = [];
    while (p < n && compact.length <= MAX_IBAN) {
      const ch = text.charCodeAt(p);
      if (isAsciiAlnum(ch)) {
        compact += text.charAt(p);
        p++;
        continue;
      }
      if (ch === 32 && p + 1 < n && isAsciiAlnum(text.charCodeAt(p + 1)) && compact.length % 4 === 0) {
        ends.push({ end: p, len: compact.length });
        p++;
        continue;
      }
      break;
    }
    ends.push({ end: p, len: compact.length });
    let found = -1;
    for (let k = ends.length - 1; k >= 0; k--) {
      const cand = ends[k];
      if (cand === undefined || cand.len < 15) break;
      if (boundaryAfter(text, cand.end) && ibanValid(compact.slice(0, cand.len))) {
        found = cand.end;
        break;
      }
    }
    if (found !== -1) {
      out.add(KIND.IBAN, i, found, 0.95);
      i = found;
    } else {
      // Skip the rest of this alphanumeric run; spaces restart the search at the next word.
      i++;
      while (i < n && isAsciiAlnum(text.charCodeAt(i))) i++;
    }
  }
}
