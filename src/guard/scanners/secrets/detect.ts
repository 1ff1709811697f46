/** @module detectSecrets: provider formats, private keys, named credentials and auth headers, resolved without overlaps. */
import { checkDeadline, type DeadlineClock, deadlineFor } from '../../types.js';
import { findAssignments, findHeaderAndUrlCredentials, findSecureStrings, findWebhooks } from './assignments.js';
import type { SecretEntity } from './filters.js';
import { findKnownFormats } from './known.js';
import { findPrivateKeys } from './pem.js';

export type { SecretEntity, SecretType } from './filters.js';

function rank(e: SecretEntity): number {
  return e.type === 'PRIVATE_KEY' ? 3 : e.score >= 0.95 ? 2 : 1;
}

function before(a: SecretEntity, b: SecretEntity): boolean {
  return a.start < b.start || (a.start === b.start && a.end > b.end);
}

/**
 * Stable sort by start, longer first: what `found.sort((a, b) => a.start - b.start || b.end - a.end)` gives. Each
 * rule appends in text order (the named-credential rule once per stem), so the list is a few ascending runs, merged
 * pairwise: a comparator sort of the 90k passwords in 4 MiB of `password: …` called the comparator millions of times.
 */
function sortByStart(entities: SecretEntity[]): SecretEntity[] {
  const n = entities.length;
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (before(entities[i] as SecretEntity, entities[i - 1] as SecretEntity)) bounds.push(i);
  bounds.push(n);
  if (bounds.length <= 2) return entities;
  let a = entities;
  let b = new Array<SecretEntity>(n);
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const x = a[i] as SecretEntity;
        const y = a[j] as SecretEntity;
        // Stable: the right run's entity goes first only when it sorts strictly before.
        if (before(y, x)) {
          b[k++] = y;
          j++;
        } else {
          b[k++] = x;
          i++;
        }
      }
      while (i < mid) b[k++] = a[i++] as SecretEntity;
      while (j < hi) b[k++] = a[j++] as SecretEntity;
      next.push(hi);
    }
    const t = a;
    a = b;
    b = t === entities ? new Array<SecretEntity>(n) : t;
    runs = next;
  }
  return a;
}

/**
 * UTF-16 offsets, end exclusive, non-overlapping, sorted by start. Throws ScanTimeoutError once `clock.deadline` has
 * passed (checked between passes and inside the long ones, only for a text of at least DEADLINE_STRIDE code units).
 */
export function detectSecrets(text: string, clock?: DeadlineClock): SecretEntity[] {
  const dl = deadlineFor(clock, text.length);
  const found: SecretEntity[] = [];
  findPrivateKeys(text, found);
  findKnownFormats(text, found, dl);
  findWebhooks(text, found);
  findHeaderAndUrlCredentials(text, found);
  findSecureStrings(text, found);
  checkDeadline(dl);
  findAssignments(text, found, dl);
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
