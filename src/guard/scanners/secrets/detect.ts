/** @module detectSecrets: provider formats, private keys, named credentials and auth headers, resolved without overlaps. */
import { encodeAscii } from '../../text/ascii.js';
import { checkDeadline, type DeadlineClock, deadlineFor } from '../../types.js';
import { findAssignments, findHeaderAndUrlCredentials, findSecureStrings, findSqlPasswords, findWebhooks } from './assignments.js';
import type { SecretEntity } from './filters.js';
import { findKnownFormats } from './known.js';
import { findOpaqueQuoted } from './opaque.js';
import { findHeadlessKeyLines, findPrivateKeys } from './pem.js';
import { sortByStart } from '../../text/sort-spans.js';

export type { SecretEntity, SecretType } from './filters.js';

/** Kept between scans up to this many bytes; a larger text gets its own array for the one scan. */
const KEEP_BYTES = 1 << 16;
let kept = new Uint8Array(4096);
const TAIL = 8;

/**
 * The text as bytes when it is all ASCII (most prompts), else undefined (see text/ascii.ts). Valid until the next
 * call (scans are synchronous).
 */
function asciiBytes(text: string): Uint8Array | undefined {
  const n = text.length;
  let bytes = kept;
  // TAIL zero bytes after the text: look-aheads past its end (nextAsciiStem) read no byte of an earlier text.
  if (bytes.length < n + TAIL) {
    bytes = new Uint8Array(n + TAIL);
    if (n <= KEEP_BYTES) kept = bytes;
  }
  if (!encodeAscii(text, bytes.subarray(0, n))) return undefined;
  bytes.fill(0, n, n + TAIL);
  return bytes;
}

function rank(e: SecretEntity): number {
  return e.type === 'PRIVATE_KEY' ? 3 : e.score >= 0.95 ? 2 : 1;
}

/**
 * UTF-16 offsets, end exclusive, non-overlapping, sorted by start. Throws ScanTimeoutError once `clock.deadline` has
 * passed (checked between passes and inside the long ones, only for a text of at least DEADLINE_STRIDE code units).
 */
export function detectSecrets(text: string, clock?: DeadlineClock): SecretEntity[] {
  const dl = deadlineFor(clock, text.length);
  const found: SecretEntity[] = [];
  const bytes = asciiBytes(text);
  findPrivateKeys(text, found, dl);
  findHeadlessKeyLines(text, found, dl);
  findKnownFormats(text, found, dl, bytes);
  checkDeadline(dl);
  findWebhooks(text, found);
  findHeaderAndUrlCredentials(text, found);
  checkDeadline(dl);
  findSecureStrings(text, found);
  checkDeadline(dl);
  findAssignments(text, found, dl, bytes);
  checkDeadline(dl);
  findOpaqueQuoted(text, found, dl);
  findSqlPasswords(text, found);
  checkDeadline(dl);
  const out: SecretEntity[] = [];
  for (const e of sortByStart(found)) {
    const last = out[out.length - 1];
    if (last === undefined || e.start >= last.end) out.push(e);
    else if (rank(e) > rank(last) || (rank(e) === rank(last) && e.end - e.start > last.end - last.start)) {
      out.pop();
      while (out.length > 0 && (out[out.length - 1]?.end ?? 0) > e.start) out.pop();
      out.push(e);
    }
  }
  return out;
}
