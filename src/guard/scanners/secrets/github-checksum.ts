/** @module GitHub token checksum: the last 6 characters are the base62 CRC-32 of the random part before them. */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** CRC-32 (IEEE) table, derived once: a pure function of the polynomial. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(text: string, s: number, e: number): number {
  let c = -1;
  for (let i = s; i < e; i++) c = (CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Whether the body text[s, e) of a `ghp_`-style token carries a valid checksum. A token that passes is one GitHub
 * could have issued even when its random part looks regular (`ghp_000…`), where the entropy filter would drop it; a
 * made-up token passes with chance 1 in 62^6.
 */
export function githubChecksumValid(text: string, s: number, e: number): boolean {
  if (e - s < 12) return false;
  let v = crc32(text, s, e - 6);
  for (let i = e - 1; i >= e - 6; i--) {
    if (text.charAt(i) !== BASE62.charAt(v % 62)) return false;
    v = Math.floor(v / 62);
  }
  return v === 0;
}
