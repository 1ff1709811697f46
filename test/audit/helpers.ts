/** @module Shared set-up for the audit suites: a temporary data directory with a written, checkpointed chain. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log.js';
import type { RequestEventInput } from '../../src/audit/event.js';
import { createSqliteAuditBackend, type SqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';

export function tempDir(prefix = 'warden-audit-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function requestEvent(i: number, extra: Partial<RequestEventInput> = {}): RequestEventInput {
  return {
    kind: 'request', outcome: i % 10 === 0 ? 'blocked' : 'allowed', at: 1_700_000_000_000 + i * 1000, tenant: 'acme', keyId: 'key_1',
    model: 'gpt-4o-mini', latencyMs: 10 + (i % 7), status: i % 10 === 0 ? 400 : 200, usage: { inputTokens: 5, outputTokens: 7 },
    requestId: `req_${i}`, ...(i % 10 === 0 ? { code: 'GW_GUARD_BLOCKED', findings: [{ scanner: 'pii.email', count: 1, action: 'block' as const }] } : {}),
    ...extra,
  };
}

/** Writes `n` request events through a real audit log (checkpoint every `every`) and closes it. */
export async function writeChain(dir: string, n: number, every = 16, nodeId = 'node-a'): Promise<{ backend: SqliteAuditBackend; log: AuditLog }> {
  const backend = createSqliteAuditBackend(dir);
  let t = 1_700_000_000_000;
  const log = createAuditLog({ backend, nodeId, checkpointEvery: every, checkpointMs: 60_000, maxBatch: 7, clock: () => (t += 1000) });
  await log.ready();
  for (let i = 0; i < n; i++) log.record(requestEvent(i));
  await log.close();
  return { backend, log };
}
