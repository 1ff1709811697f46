/** @module Seals chains from outside their writer (export, CLI): signs a checkpoint at each chain's current head. */
import type { AuditBackend } from './backend.js';
import { ChainWriter } from './chain-writer.js';
import { hasNodeKeys, loadNodeKeys } from './keys.js';

/**
 * Signs a checkpoint at the head of every chain whose key is in this data directory. Safe while the node
 * runs: the checkpoint is written under the chain's compare-and-set like any append. Returns the chains sealed.
 */
export async function sealChains(backend: AuditBackend, now: number): Promise<{ sealed: string[]; damaged: string[] }> {
  const sealed: string[] = [];
  const damaged: string[] = [];
  for (const chain of await backend.listChains()) {
    if (!hasNodeKeys(backend.dataDir, chain)) continue;
    const w = new ChainWriter(backend, chain, loadNodeKeys(backend.dataDir, chain, false));
    // Never sign over a tail that does not hash and link: that would bless tampering.
    if (await w.open(now)) {
      damaged.push(chain);
      continue;
    }
    if (w.sinceCheckpoint > 0) {
      await w.append([], 'seal', now);
      sealed.push(chain);
    }
  }
  return { sealed, damaged };
}
