/** @module IP address validation (v4 dotted quad, v6 with `::` compression) and the addresses that identify nobody. */
import { isHex } from './chars.js';

function octets(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    if (p.length > 1 && p.charCodeAt(0) === 48) return undefined;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      v = v * 10 + c;
    }
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * The dotted quad text[s, e) as a 32-bit value (unsigned), or -1 when it is not one: `octets` without the split and
 * the array, for the recognisers' per-candidate test.
 */
export function ipv4At(text: string, s: number, e: number): number {
  let parts = 0;
  let v = 0;
  let value = 0;
  let len = 0;
  let lead = 0;
  for (let i = s; i <= e; i++) {
    const c = i === e ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (len === 0 || len > 3 || (len > 1 && lead === 48) || v > 255) return -1;
      parts++;
      if (parts > 4) return -1;
      value = value * 256 + v;
      v = 0;
      len = 0;
      continue;
    }
    if (c < 48 || c > 57) return -1;
    if (len === 0) lead = c;
    v = v * 10 + (c - 48);
    len++;
  }
  return parts === 4 ? value : -1;
}

/** `ipv4IsNonPersonal(text.slice(s, e))` for a range that `ipv4At` accepted as `value`. */
export function ipv4IsNonPersonalAt(text: string, s: number, e: number, value: number): boolean {
  const a = Math.floor(value / 16777216) % 256;
  const b = (value >>> 16) & 255;
  const c = (value >>> 8) & 255;
  const d = value & 255;
  if (nonPersonalOctets(a, b, c, d)) return true;
  // The octets have no leading zeros, so their digits joined are the range's digits without the dots.
  let digits = 0;
  let up = true;
  let down = true;
  let prev = -1;
  for (let i = s; i < e; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 46) continue;
    if (prev !== -1) {
      const step = (ch - prev + 10) % 10;
      if (step !== 1) up = false;
      if (step !== 9) down = false;
    }
    prev = ch;
    digits++;
  }
  return digits >= 4 && (up || down);
}

function nonPersonalOctets(a: number, b: number, c: number, d: number): boolean {
  if (a === 0 || a === 127 || (a === 255 && b === 255)) return true;
  // Netmasks (255.0.0.0, 255.255.240.0): leading one bits, then zeros.
  if (a === 255) {
    const inv = (~(((b << 16) | (c << 8) | d) | 0xff000000) >>> 0) + 1;
    if ((inv & (inv - 1)) === 0) return true;
  }
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return true;
  // RFC 1918 private and RFC 3927 link-local ranges: every LAN reuses them, so outside its own network such an
  // address reaches no one and cannot be tied to a subscriber (an ifconfig dump, a router page, a compose file).
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return true;
  // One octet repeated (2.2.2.2, 5.5.5.5): illustrative addresses in tests and docs.
  if (a === b && b === c && c === d) return true;
  // Public DNS resolvers everyone uses.
  if ((a === 1 && b === 1 && c === 1 && d === 1) || (a === 8 && b === 8 && ((c === 8 && d === 8) || (c === 4 && d === 4))) || (a === 9 && b === 9 && c === 9 && d === 9)) return true;
  return false;
}

export function ipv4Valid(s: string): boolean {
  return octets(s) !== undefined;
}

/**
 * Addresses that point at no one: unspecified, loopback, broadcast, RFC 5737 documentation ranges, private and
 * link-local ranges, and digit-sequence fakes (1.2.3.4, 98.76.54.32) used in examples.
 */
export function ipv4IsNonPersonal(s: string): boolean {
  const o = octets(s);
  if (o === undefined) return true;
  const [a = 0, b = 0, c = 0, d = 0] = o;
  if (nonPersonalOctets(a, b, c, d)) return true;
  const digits = o.join('');
  if (digits.length >= 4 && (isRun(digits, 1) || isRun(digits, -1))) return true;
  return false;
}

function isRun(digits: string, step: number): boolean {
  for (let i = 1; i < digits.length; i++) {
    if ((digits.charCodeAt(i) - digits.charCodeAt(i - 1) + 10) % 10 !== (step + 10) % 10) return false;
  }
  return true;
}

/**
 * The IPv6 addresses that point at no one, as `ipv4IsNonPersonal` for IPv4: unspecified and loopback, the
 * documentation prefix 2001:db8::/32, link-local fe80::/10 and unique-local fc00::/7 (every site reuses them).
 * `lower`: the address in lower case.
 */
export function ipv6IsNonPersonal(lower: string): boolean {
  if (lower === '::' || lower === '::1' || lower.startsWith('2001:db8:') || lower.startsWith('2001:0db8:')) return true;
  const colon = lower.indexOf(':');
  if (colon < 3 || colon > 4) return false;
  const first = parseInt(lower.slice(0, colon), 16);
  return (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00;
}

/** IPv6 text form: 8 groups, or fewer with one `::`; an embedded dotted quad counts as two groups. */
export function ipv6Valid(s: string): boolean {
  if (s.length < 3 || s.length > 45) return false;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return false;
  const parts = s.split(':');
  let groups = 0;
  let nonEmpty = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (p.length === 0) continue;
    if (i === parts.length - 1 && p.includes('.')) {
      if (!ipv4Valid(p)) return false;
      groups += 2;
      nonEmpty += 2;
      continue;
    }
    if (p.length > 4) return false;
    for (let j = 0; j < p.length; j++) if (!isHex(p.charCodeAt(j))) return false;
    groups++;
    nonEmpty++;
  }
  if (dbl === -1) {
    if (s.startsWith(':') || s.endsWith(':')) return false;
    return groups === 8;
  }
  // With compression, demand enough groups that `std::c` or `a::b` style text is not an address.
  return groups < 8 && nonEmpty >= 3;
}
