/** @module IP address and bare domain-name recognisers: one indexOf pass over '.' and one over ':'. */
import { deadlineAt, type DeadlineClock } from '../../types.js';
import { indexOfFrom } from '../../text/chunked-search.js';
import { boundaryAfter, boundaryBefore, isAsciiAlnum, isAsciiLetter, isDigit, isHex } from './chars.js';
import { BARE_TLDS, isBareTldAt, isPublicHostAt, validHostAt } from './domain.js';
import { KIND, type SpanList } from './spans.js';
import { ipv4At, ipv4IsNonPersonalAt, ipv6IsNonPersonal, ipv6Valid } from './ip.js';

const MAX_TOKEN = 253;
const MAX_BARE_TLD = Math.max(...[...BARE_TLDS].map((t) => t.length));

function isDottedChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 46 || c === 45;
}

/** Dotted tokens: all-digit ones are IPv4 candidates, the rest bare domain names with a known TLD. */
function findDotted(text: string, out: SpanList, dl: DeadlineClock | undefined): void {
  const n = text.length;
  let floor = 0;
  let check = 0;
  for (let dot = indexOfFrom(text, '.', floor, dl); dot !== -1; dot = indexOfFrom(text, '.', Math.max(dot + 1, floor), dl)) {
    if (dot >= check) check = deadlineAt(dl, dot);
    if (dot === 0 || dot + 1 >= n) continue;
    if (!isAsciiAlnum(text.charCodeAt(dot - 1)) || !isAsciiAlnum(text.charCodeAt(dot + 1))) continue;
    let s = dot;
    while (s > floor && dot - s < MAX_TOKEN && isDottedChar(text.charCodeAt(s - 1))) s--;
    let e = dot + 1;
    while (e < n && e - s < MAX_TOKEN && isDottedChar(text.charCodeAt(e))) e++;
    floor = e;
    while (e > s && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    while (s < e && (text.charCodeAt(s) === 46 || text.charCodeAt(s) === 45)) s++;
    if (e - s >= MAX_TOKEN || !boundaryBefore(text, s) || !boundaryAfter(text, e)) continue;
    const before = s > 0 ? text.charCodeAt(s - 1) : 0;
    // Part of an e-mail, URL, path or version string: handled elsewhere or not an address.
    if (before === 64 || before === 47 || before === 92 || before === 95) continue;
    // Checked on the text itself: a slice per dotted token was much of the cost of 4 MiB of host names.
    const v4 = isDigit(text.charCodeAt(s)) ? ipv4At(text, s, e) : -1;
    if (v4 !== -1) {
      const after = e < n ? text.charCodeAt(e) : 0;
      if (after === 64 || ipv4IsNonPersonalAt(text, s, e, v4)) continue;
      const prev = s >= 1 ? text.charCodeAt(s - 1) : 0;
      if (prev === 118 || prev === 86) continue; // v1.2.3.4 is a version
      out.add(KIND.IP_ADDRESS, s, e, 0.9);
      continue;
    }
    const after = e < n ? text.charCodeAt(e) : 0;
    if (after === 64 || after === 40) continue; // local part of an e-mail, or a call like os.path.join(
    // `group/v1`, `group/v1beta1`: an API group and version (Kubernetes `apiVersion: cert-manager.io/v1`), not a site.
    if (after === 47 && text.charCodeAt(e + 1) === 118 && isDigit(text.charCodeAt(e + 2))) continue;
    let lastDot = e - 1;
    while (lastDot >= s && text.charCodeAt(lastDot) !== 46) lastDot--;
    if (e - lastDot - 1 > MAX_BARE_TLD || !isBareTldAt(text, lastDot + 1, e)) continue;
    if (!validHostAt(text, s, e) || isPublicHostAt(text, s, e)) continue;
    if (lastDot - s < 3 || !isAsciiLetter(text.charCodeAt(s))) continue;
    out.add(KIND.URL, s, e, 0.6);
  }
}

function isV6Char(c: number): boolean {
  return isHex(c) || c === 58 || c === 46;
}

function findIpv6(text: string, out: SpanList, dl: DeadlineClock | undefined): void {
  const n = text.length;
  let floor = 0;
  let check = 0;
  for (let col = indexOfFrom(text, ':', floor, dl); col !== -1; col = indexOfFrom(text, ':', Math.max(col + 1, floor), dl)) {
    if (col >= check) check = deadlineAt(dl, col);
    let s = col;
    while (s > floor && col - s < 45 && isV6Char(text.charCodeAt(s - 1))) s--;
    let e = col + 1;
    while (e < n && e - s <= 45 && isV6Char(text.charCodeAt(e))) e++;
    floor = e;
    while (e > s && text.charCodeAt(e - 1) === 46) e--;
    if (e - s > 45 || e - s < 3) continue;
    if (!boundaryBefore(text, s) || !boundaryAfter(text, e)) continue;
    // Without '::' an address has 8 groups, so at least 6 colons (the last two groups may be a dotted IPv4): a clock
    // time ("10:30") or a ratio is ruled out before any slicing.
    let colons = 0;
    let double = false;
    for (let k = s; k < e; k++) {
      if (text.charCodeAt(k) !== 58) continue;
      colons++;
      if (k + 1 < e && text.charCodeAt(k + 1) === 58) double = true;
    }
    if (!double && colons < 6) continue;
    const token = text.slice(s, e);
    const lower = token.toLowerCase();
    if (ipv6IsNonPersonal(lower) || !ipv6Valid(token)) continue;
    out.add(KIND.IP_ADDRESS, s, e, 0.9);
  }
}

/** `dl`: a deadline checked every DEADLINE_STRIDE code units (see guard/deadline.ts); absent, never. */
export function findNetwork(text: string, out: SpanList, dl?: DeadlineClock): void {
  findDotted(text, out, dl);
  findIpv6(text, out, dl);
}
