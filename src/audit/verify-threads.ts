/**
 * @module Verifies a chain's events on several threads: each checks a range (order, links, body hashes) on its
 * own store connection; this thread folds the hashes into the Merkle tree and checks the signed checkpoints.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendThreadSpec } from './backend.js';
import type { ChainVerifier } from './chain-verifier.js';
import { startThread } from './start-thread.js';
import type { FromVerifier, VerifyRange } from './verify-protocol.js';

/** A stream of one thread's messages, read in order. */
class Inbox {
  readonly #items: FromVerifier[] = [];
  #wake: (() => void) | undefined;

  constructor(w: Worker, from: number) {
    const put = (m: FromVerifier): void => {
      this.#items.push(m);
      this.#wake?.();
      this.#wake = undefined;
    };
    w.on('message', put);
    // A thread that dies without a word counts as a problem: the caller verifies again on one thread.
    w.on('error', () => put({ type: 'problem', seq: from }));
    w.on('exit', () => put({ type: 'problem', seq: from }));
  }

  async next(): Promise<FromVerifier> {
    for (;;) {
      const m = this.#items.shift();
      if (m) return m;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }
}

/**
 * Feeds events start..end into `v` through `threads` verify threads. True when `v` has seen every event, or has
 * failed on a Merkle or checkpoint problem (every event before it passed its own checks, so this is the
 * problem a single thread would report too). False when a thread found an event that fails its own checks, or
 * died: `v` is then half-fed and the caller verifies again on one thread, to report exactly what is wrong.
 */
export async function feedFromThreads(
  spec: BackendThreadSpec, chain: string, v: ChainVerifier, start: number, end: number, threads: number, pageSize: number,
): Promise<boolean> {
  const per = Math.ceil((end - start + 1) / threads);
  const workers: Worker[] = [];
  const inboxes: Inbox[] = [];
  for (let from = start; from <= end; from += per) {
    const range: VerifyRange = { spec, chain, from, to: Math.min(end, from + per - 1), prev: from === start ? v.prev : undefined, pageSize };
    const w = startThread('verify-thread', range);
    workers.push(w);
    inboxes.push(new Inbox(w, from));
  }
  try {
    for (const inbox of inboxes) {
      for (;;) {
        const m = await inbox.next();
        if (m.type === 'done') break;
        if (m.type === 'problem') return false;
        const retention = new Map(m.retention);
        for (let i = 0, seq = m.first; i < m.hashes.length; i += 64, seq++) {
          if (!v.pushHashed(seq, m.hashes.slice(i, i + 64), retention.get(seq))) return true;
        }
      }
    }
    return true;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
