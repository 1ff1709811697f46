/** @module detectSecrets: provider formats, private keys, named credentials and auth headers, resolved without overlaps. */
import { checkDeadline, type DeadlineClock, deadlineFor } from '../../types.js';
import { findAssignments, findHeaderAndUrlCredentials, findSecureStrings, findWebhooks } from './assignments.js';
import type { SecretEntity } from './filters.js';
import { findKnownFormats } from './known.js';
import { findOpaqueQuoted, findSqlPasswords } from './opaque.js';
import { findHeadlessKeyLines, findPrivateKeys } from './pem.js';
import { sortByStart } from '../../text/sort-spans.js';

export type { SecretEntity, SecretType } from './filters.js';

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
  findPrivateKeys(text, found);
  findHeadlessKeyLines(text, found, dl);
  findKnownFormats(text, found, dl);
  findWebhooks(text, found);
  findHeaderAndUrlCredentials(text, found);
  findSecureStrings(text, found);
  checkDeadline(dl);
  findAssignments(text, found, dl);
  checkDeadline(dl);
  findOpaqueQuoted(text, found, dl);
  findSqlPasswords(text, found);
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
