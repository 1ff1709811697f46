import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log.js';
import type { BackendThreadSpec } from '../../src/audit/backend.js';
import { openEnvelope } from '../../src/audit/envelope.js';
import { verifyStore } from '../../src/audit/verify-store.js';
import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { requestEvent, tempDir } from './helpers.js';

/** Waits until everything recorded is written: flush() rejects on each failed write, by design, while the events stay queued. */
async function settled(log: AuditLog, events: number): Promise<void> {
  for (let i = 0; i < 200 && log.stats().written < events; i++) await new Promise((r) => setTimeout(r, 50));
}

const flaky = new URL('./fixtures/flaky-backend.ts', import.meta.url).href;

/** Request ids of the chain's events in seq order (events without one, like chain.open, left out). */
async function requestIds(backend: ReturnType<typeof createSqliteAuditBackend>, chain: string): Promise<number[]> {
  const rows = await backend.readEvents(chain, 1, 1_000_000, 1_000_000);
  return rows.flatMap((e) => {
    const m = /"requestId":"req_(\d+)"/.exec(openEnvelope(e.body)?.payload ?? '');
    return m ? [Number(m[1])] : [];
  });
}

describe('audit writer thread', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('writes payloads with non-ASCII text byte for byte as the inline writer does', async () => {
    const odd = { tenant: 'Zürich-東京', model: 'modèle-😀', requestId: 'req_ü\u2028' };
    for (const [nodeId, writer] of [['thread', 'worker'], ['inline', 'inline']] as const) {
      const backend = createSqliteAuditBackend(dir);
      const log = createAuditLog({ backend, nodeId, writer, clock: () => 1_700_000_000_000 });
      for (let i = 0; i < 20; i++) log.record(requestEvent(i, i % 2 === 0 ? odd : {}));
      await log.close();
      await backend.close();
    }
    const backend = createSqliteAuditBackend(dir);
    const payloads = async (chain: string): Promise<string[]> =>
      (await backend.readEvents(chain, 1, 100, 100)).map((e) => (openEnvelope(e.body)?.payload ?? '').replace(`"node":"${chain}"`, ''));
    const viaThread = await payloads('thread');
    expect(viaThread).toHaveLength(21);
    expect(viaThread.join('\n')).toContain('"model":"modèle-😀"');
    expect(viaThread.slice(1)).toEqual((await payloads('inline')).slice(1));
    expect(await verifyStore(backend)).toMatchObject({ ok: true, events: 42 });
    await backend.close();
  });

  it('keeps failed batches queued and writes them later, in order, without a gap', async () => {
    const backend = createSqliteAuditBackend(dir);
    backend.threadSpec = (): BackendThreadSpec => ({ module: flaky, open: 'openFlaky', args: [dir, 'fail', 3, 2] });
    const errors: unknown[] = [];
    const log = createAuditLog({ backend, nodeId: 'n1', maxBatch: 10, onError: (e) => errors.push(e) });
    await log.ready();
    for (let i = 0; i < 100; i++) log.record(requestEvent(i));
    await settled(log, 101);
    await log.close();
    expect(log.stats().writeErrors).toBeGreaterThanOrEqual(1);
    expect(String(errors[0])).toContain('flaky: append 3 fails');
    expect(await requestIds(backend, 'n1')).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await verifyStore(backend)).toMatchObject({ ok: true, events: 101 });
    await backend.close();
  });

  it('restarts a writer thread that died and continues the chain from the stored head', async () => {
    const backend = createSqliteAuditBackend(dir);
    backend.threadSpec = (): BackendThreadSpec => ({ module: flaky, open: 'openFlaky', args: [dir, 'exit', 4] });
    const log = createAuditLog({ backend, nodeId: 'n1', maxBatch: 10, checkpointEvery: 25 });
    await log.ready();
    for (let i = 0; i < 100; i++) log.record(requestEvent(i));
    await settled(log, 101);
    const ref = await log.recordAndFlush({ kind: 'change', action: 'key.create', actor: 'admin' });
    await log.close();
    expect(log.stats().writeErrors).toBeGreaterThanOrEqual(1);
    expect(ref.seq).toBe(102);
    expect(await requestIds(backend, 'n1')).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await verifyStore(backend)).toMatchObject({ ok: true, events: 102 });
    await backend.close();
  });

  it('rejects flush, recordAndFlush and close instead of hanging when the writer thread cannot open the store', async () => {
    const backend = createSqliteAuditBackend(dir);
    backend.threadSpec = (): BackendThreadSpec => ({ module: flaky, open: 'openFlaky', args: [dir, 'unopenable'] });
    const log = createAuditLog({ backend, nodeId: 'n1', onError: () => undefined });
    await expect(log.ready()).rejects.toThrow('flaky: the store cannot be opened');
    log.record(requestEvent(1));
    await expect(log.flush()).rejects.toThrow('flaky: the store cannot be opened');
    await expect(log.recordAndFlush({ kind: 'change', action: 'key.create', actor: 'admin' })).rejects.toThrow();
    await expect(log.close()).rejects.toThrow('flaky: the store cannot be opened');
    expect(log.stats().written).toBe(0);
    await backend.close();
  });
});
