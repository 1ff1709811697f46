/**
 * @module Entry of a verify thread: checks a range of one chain on its own store connection (seq order, link
 * to the previous event, hash of each body) and streams the hashes back for the Merkle and checkpoint checks.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AuditBackend } from './backend.js';
import { hasTail } from './chain-verifier.js';
import { openEnvelope, sha256 } from './envelope.js';
import type { FromVerifier, VerifyRange } from './verify-protocol.js';

async function openBackend(r: VerifyRange): Promise<AuditBackend> {
  const mod = await import(r.spec.module) as Record<string, unknown>;
  const open = mod[r.spec.open];
  if (typeof open !== 'function') throw new Error(`audit verify: ${r.spec.module} exports no function ${r.spec.open}`);
  return await (open as (...args: readonly unknown[]) => AuditBackend | Promise<AuditBackend>)(...r.spec.args);
}

async function check(port: MessagePort, r: VerifyRange): Promise<void> {
  const post = (m: FromVerifier): void => port.postMessage(m);
  const backend = await openBackend(r);
  try {
    let prev = r.prev;
    if (prev === undefined) prev = (await backend.readEvents(r.chain, r.from - 1, r.from - 1, 1))[0]?.hash;
    if (prev === undefined) return post({ type: 'problem', seq: r.from - 1 });
    let next = r.from;
    while (next <= r.to) {
      const rows = await backend.readEvents(r.chain, next, r.to, r.pageSize);
      if (rows.length === 0) return post({ type: 'problem', seq: next });
      const first = next;
      let hashes = '';
      const retention: (readonly [number, string])[] = [];
      for (const row of rows) {
        if (row.seq !== next || !hasTail(row.body, prev, next) || sha256(row.body) !== row.hash) {
          if (next > first) post({ type: 'page', first, hashes, retention });
          return post({ type: 'problem', seq: next });
        }
        if (row.body.startsWith('{"e":{"action":"retention"')) retention.push([next, openEnvelope(row.body)?.payload ?? '']);
        hashes += row.hash;
        prev = row.hash;
        next++;
      }
      post({ type: 'page', first, hashes, retention });
    }
    post({ type: 'done' });
  } finally {
    await backend.close();
  }
}

if (parentPort) {
  const port = parentPort;
  check(port, workerData as VerifyRange).catch((err: unknown) => {
    port.postMessage({ type: 'problem', seq: (workerData as VerifyRange).from } satisfies FromVerifier);
    // The caller falls back to one thread, which reports what went wrong; this only keeps a trace.
    void err;
  });
}
