/** @module detectSecrets: provider formats, private keys, named credentials and auth headers, resolved without overlaps. */
import { encodeAsciiChecked } from '../../text/ascii.js';
import { checkDeadline, deadlineAt, type DeadlineClock, deadlineFor } from '../../types.js';
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
function asciiBytes(text: string, dl: DeadlineClock | undefined): Uint8Array | undefined {
  const n = text.length;
  let bytes = kept;
  // TAIL zero bytes after the text: look-aheads past its end (nextAsciiStem) read no byte of an earlier text.
  if (bytes.length < n + TAIL) {
    bytes = new Uint8Array(n + TAIL);
    if (n <= KEEP_BYTES) kept = bytes;
  }
  if (!encodeAsciiChecked(text, bytes.subarray(0, n), dl)) return undefined;
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
/** The recognisers in the order they run; the ASCII bytes of the text are for those that read them. */
const RECOGNISERS: readonly ((text: string, out: SecretEntity[], dl: DeadlineClock | undefined, bytes: Uint8Array | undefined) => void)[] = [
  findPrivateKeys,
  findHeadlessKeyLines,
  findKnownFormats,
  findWebhooks,
  findHeaderAndUrlCredentials,
  findSecureStrings,
  findAssignments,
  findOpaqueQuoted,
  findSqlPasswords,
];

export function detectSecrets(text: string, clock?: DeadlineClock): SecretEntity[] {
  const dl = deadlineFor(clock, text.length);
  // Before the 4 MiB byte copy: a scan started with its budget nearly spent stops here.
  checkDeadline(dl);
  const found: SecretEntity[] = [];
  const bytes = asciiBytes(text, dl);
  // A clock read after each recogniser: one that finds nothing runs without reading it.
  for (const find of RECOGNISERS) {
    checkDeadline(dl);
    find(text, found, dl, bytes);
  }
  checkDeadline(dl);
  const out: SecretEntity[] = [];
  const sorted = sortByStart(found, dl);
  let check = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i >= check) check = deadlineAt(dl, i);
    const e = sorted[i] as SecretEntity;
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
