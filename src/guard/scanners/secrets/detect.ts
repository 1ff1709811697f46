/** @module detectSecrets: provider formats, private keys, named credentials and auth headers, resolved without overlaps. */
import { encodeAsciiChecked } from '../../text/ascii.js';
import { checkDeadline, deadlineAt, type DeadlineClock, deadlineFor } from '../../types.js';
import { findAssignments, findHeaderAndUrlCredentials, findSecureStrings, findSqlPasswords, findWebhooks } from './assignments.js';
import type { SecretEntity } from './filters.js';
import { findKnownFormats } from './known.js';
import { findOpaqueQuoted } from './opaque.js';
import { findHeadlessKeyLines, findPrivateKeys } from './pem.js';
import { CUE_HEADER, CUE_PEM, CUE_SQL, LITTLE_ENDIAN, prepass } from './prepass.js';
import { sortByStart } from '../../text/sort-spans.js';

export type { SecretEntity, SecretType } from './filters.js';

/** Kept between scans up to this many bytes; a larger text gets its own array for the one scan. */
const KEEP_BYTES = 1 << 16;
let kept = new Uint8Array(4096);
/** `kept` as 4-byte words (for the pre-pass). */
let keptWords = new Uint32Array(kept.buffer);
/** At least 8 and a multiple of 4: the pre-pass reads whole 4-byte words. */
const TAIL = 8;

/** What asciiBytes returns, reused. */
const view: { bytes: Uint8Array; words: Uint32Array } = { bytes: kept, words: keptWords };

/**
 * The text as bytes when it is all ASCII (most prompts), else undefined (see text/ascii.ts), followed by TAIL zero
 * bytes, and the same memory as 4-byte words. Valid until the next call (scans are synchronous).
 */
function asciiBytes(text: string, dl: DeadlineClock | undefined): { readonly bytes: Uint8Array; readonly words: Uint32Array } | undefined {
  const n = text.length;
  let bytes = kept;
  let words = keptWords;
  // TAIL zero bytes after the text: look-aheads past its end (asciiStemAt) read no byte of an earlier text.
  if (bytes.length < n + TAIL) {
    bytes = new Uint8Array((n + TAIL + 3) & ~3);
    words = new Uint32Array(bytes.buffer);
    if (n <= KEEP_BYTES) {
      kept = bytes;
      keptWords = words;
    }
  }
  if (!encodeAsciiChecked(text, bytes.subarray(0, n), dl)) return undefined;
  bytes.fill(0, n, n + TAIL);
  view.bytes = bytes;
  view.words = words;
  return view;
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
  // Before the 4 MiB byte copy: a scan started with its budget nearly spent stops here.
  checkDeadline(dl);
  const found: SecretEntity[] = [];
  const ascii = asciiBytes(text, dl);
  const bytes = ascii?.bytes;
  // In ASCII text, one pass over the bytes tells which recognisers can match (see prepass.ts): in prose most cannot,
  // and each skipped one pushes nothing it would have pushed. The recognisers run in this order either way.
  // A clock read after each recogniser: one that finds nothing runs without reading it.
  const pre = ascii === undefined || !LITTLE_ENDIAN ? undefined : (checkDeadline(dl), prepass(ascii.bytes, ascii.words, text.length, dl));
  const run = pre === undefined ? Infinity : pre.longestRun;
  const cues = pre === undefined ? -1 : pre.cues;
  // `-----BEGIN PRIVATE KEY-----`, a key body's 64-character lines, the 16+ character runs of provider tokens, the
  // 24-character cue `hooks.slack.com/services`.
  if ((cues & CUE_PEM) !== 0) findPrivateKeys(text, found, dl);
  checkDeadline(dl);
  if (pre === undefined || pre.cleanWords >= 15) findHeadlessKeyLines(text, found, dl);
  checkDeadline(dl);
  if (run >= 16) findKnownFormats(text, found, dl, bytes);
  checkDeadline(dl);
  if (run >= 24) findWebhooks(text, found, dl);
  checkDeadline(dl);
  if ((cues & CUE_HEADER) !== 0) findHeaderAndUrlCredentials(text, found, dl);
  checkDeadline(dl);
  // `ConvertTo-SecureString`: 22 characters.
  if (run >= 22) findSecureStrings(text, found, dl);
  checkDeadline(dl);
  if (pre === undefined || pre.count > 0) findAssignments(text, found, dl, pre);
  checkDeadline(dl);
  // Quoted values of 24+ characters.
  if (run >= 24) findOpaqueQuoted(text, found, dl);
  checkDeadline(dl);
  if ((cues & CUE_SQL) !== 0) findSqlPasswords(text, found, dl);
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
