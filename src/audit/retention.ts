/** @module Retention: old events leave a chain only through a recorded retention event that a signed checkpoint covers. */
import type { AuditBackend, RetentionRecord } from './backend.js';
import { parseStatement } from './checkpoint.js';
import type { SystemEventInput } from './event.js';

export type RetentionHooks = {
  /** Appends an event to the chain and resolves once it is committed. */
  recordAndFlush(input: SystemEventInput): Promise<{ readonly seq: number }>;
  /** Signs a checkpoint over everything written so far. */
  checkpoint(): Promise<void>;
};

/**
 * Deletes the events of `chain` up to the newest checkpoint taken at or before `cutoff`. The prefix may only
 * end at a checkpoint: its stored frontier lets a verifier recompute later roots without the deleted leaves.
 * Order: retention event, checkpoint signing it, then the delete; a crash in between leaves extra events, never a gap.
 */
export async function pruneChain(
  backend: AuditBackend, chain: string, cutoff: number, actor: string, hooks: RetentionHooks, now: () => number,
): Promise<RetentionRecord | undefined> {
  const done = await backend.listRetention(chain);
  const already = done.reduce((m, r) => Math.max(m, r.prunedThrough), 0);
  const candidates = (await backend.listCheckpoints(chain)).filter((c) => c.at <= cutoff && c.size > already);
  const target = candidates[candidates.length - 1];
  if (!target) return undefined;
  const st = parseStatement(target.statement);
  if (!st) throw new Error(`audit chain ${chain}: checkpoint ${target.size} is unreadable; refusing to prune`);
  const ev = await hooks.recordAndFlush({
    kind: 'audit', action: 'retention', actor,
    detail: { cutoff, prunedThrough: target.size, root: st.root, head: st.head },
  });
  await hooks.checkpoint();
  const rec = { chain, prunedThrough: target.size, cutoff, at: now(), actor, eventSeq: ev.seq };
  const deleted = await backend.prune(rec);
  return { ...rec, deleted };
}
