import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { buildProof, verifyProof } from '../../src/audit/proof.js';
import { verifyStore } from '../../src/audit/verify-store.js';
import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { requestEvent, tempDir } from './helpers.js';

describe('audit log', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('refuses when the queue is full under policy refuse, and counts it', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1', queueLimit: 5 });
    const results = Array.from({ length: 8 }, (_, i) => log.record(requestEvent(i)));
    expect(results.filter((r) => !r)).toHaveLength(3);
    expect(log.stats().refused).toBe(3);
    await log.close();
    await backend.close();
  });

  it('drops and counts under policy drop, still letting the caller proceed', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1', queueLimit: 3, onFull: 'drop' });
    const results = Array.from({ length: 6 }, (_, i) => log.record(requestEvent(i)));
    expect(results.every(Boolean)).toBe(true);
    expect(log.stats().dropped).toBe(3);
    await log.close();
    await backend.close();
  });

  it('gathers sparse events into one batch within 100 ms, and writes busy ones 10 ms after the first', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1', writer: 'inline' });
    await log.ready();
    await log.flush();
    const batches0 = log.stats().batches;
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // Sparse: one event every ~12 ms; a 10 ms timer would have written each alone.
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      log.record(requestEvent(i));
      await sleep(12);
    }
    while (log.stats().written < 6) await sleep(2);
    const waited = performance.now() - t0;
    expect(log.stats().batches - batches0).toBeLessThanOrEqual(2);
    expect(waited).toBeLessThan(400);
    // Busy: a burst of 40 goes at once (8 queued); after a batch that large the next goes after 10 ms, not 100.
    for (let i = 0; i < 40; i++) log.record(requestEvent(100 + i));
    await sleep(11);
    const t1 = performance.now();
    log.record(requestEvent(200));
    while (log.stats().written < 47) await sleep(1);
    expect(performance.now() - t1).toBeLessThan(60);
    await log.close();
    const r = await verifyStore(backend);
    expect(r.ok).toBe(true);
    expect(r.events).toBe(log.stats().written);
    await backend.close();
  });

  it('makes a control-plane change durable before recordAndFlush resolves', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1' });
    const ref = await log.recordAndFlush({ kind: 'change', action: 'key.create', actor: 'admin', target: 'key_1', tenant: 'acme' });
    const other = createSqliteAuditBackend(dir);
    const ev = await other.getEvent('n1', ref.seq);
    expect(ev?.body).toContain('"action":"key.create"');
    expect(ref.id).toBe(`n1:${ref.seq}`);
    await other.close();
    await log.close();
    await backend.close();
  });

  it('continues the chain from the stored head after a restart', async () => {
    for (let round = 0; round < 3; round++) {
      const backend = createSqliteAuditBackend(dir);
      const log = createAuditLog({ backend, nodeId: 'n1', checkpointEvery: 10 });
      for (let i = 0; i < 25; i++) log.record(requestEvent(i));
      await log.close();
      await backend.close();
    }
    const backend = createSqliteAuditBackend(dir);
    const r = await verifyStore(backend);
    expect(r).toMatchObject({ ok: true, events: 78 });
    await backend.close();
  });

  it('keeps two nodes sharing one database on separate, valid chains', async () => {
    const a = createSqliteAuditBackend(dir);
    const b = createSqliteAuditBackend(dir);
    const la = createAuditLog({ backend: a, nodeId: 'w1' });
    const lb = createAuditLog({ backend: b, nodeId: 'w2' });
    for (let i = 0; i < 200; i++) {
      la.record(requestEvent(i));
      lb.record(requestEvent(i));
    }
    await Promise.all([la.close(), lb.close()]);
    const r = await verifyStore(a);
    expect(r.ok).toBe(true);
    expect(r.chains.map((c) => [c.chain, c.events])).toEqual([['w1', 201], ['w2', 201]]);
    await a.close();
    await b.close();
  });

  it('re-links instead of forking when two writers share a node id', async () => {
    const a = createSqliteAuditBackend(dir);
    const b = createSqliteAuditBackend(dir);
    const la = createAuditLog({ backend: a, nodeId: 'same', maxBatch: 10 });
    const lb = createAuditLog({ backend: b, nodeId: 'same', maxBatch: 10 });
    for (let i = 0; i < 100; i++) {
      la.record(requestEvent(i));
      lb.record(requestEvent(1000 + i));
    }
    await Promise.all([la.close(), lb.close()]);
    const r = await verifyStore(a);
    expect(r).toMatchObject({ ok: true, events: 202 });
    await a.close();
    await b.close();
  });

  it('prunes old events only through a signed retention event, and still verifies', async () => {
    const backend = createSqliteAuditBackend(dir);
    let now = 1_000_000;
    const log = createAuditLog({ backend, nodeId: 'n1', checkpointEvery: 10, clock: () => now });
    for (let i = 0; i < 50; i++) {
      now += 1000;
      log.record(requestEvent(i, { at: now }));
      if (i % 10 === 9) await log.flush();
    }
    await log.checkpoint();
    now += 100_000;
    const rec = await log.prune({ olderThanMs: 100_000 + 20_000, actor: 'admin' });
    expect(rec?.deleted).toBeGreaterThan(10);
    for (let i = 0; i < 5; i++) log.record(requestEvent(100 + i));
    await log.close();
    const r = await verifyStore(backend);
    expect(r.ok).toBe(true);
    expect(r.chains[0]?.firstSeq).toBe((rec?.prunedThrough ?? 0) + 1);
    // Verify threads pass the retention event's payload on, so the pruned prefix is authorised there too.
    expect(await verifyStore(backend, { threads: 2, minParallel: 1 })).toMatchObject({ ok: true, events: r.events, chains: [{ threads: 2 }] });
    // Proofs still work for events after the pruned prefix.
    const proof = await buildProof(backend, 'n1', (rec?.prunedThrough ?? 0) + 2);
    expect(verifyProof(JSON.parse(JSON.stringify(proof)))).toMatchObject({ ok: true });
    await backend.close();
  });

  it('proves an event offline and rejects an altered proof', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1', checkpointEvery: 8, maxBatch: 3 });
    for (let i = 0; i < 30; i++) log.record(requestEvent(i));
    await log.close();
    const proof = await buildProof(backend, 'n1', 13);
    expect(verifyProof(proof)).toMatchObject({ ok: true, seq: 13 });
    expect(verifyProof({ ...proof, event: proof.event.replace('acme', 'evil') }).ok).toBe(false);
    expect(verifyProof(proof, ['ed25519:00']).ok).toBe(false);
    await backend.close();
  });

  it('stores no prompt or completion text by default, only keyed hashes and lengths', async () => {
    const backend = createSqliteAuditBackend(dir);
    const log = createAuditLog({ backend, nodeId: 'n1' });
    log.record(requestEvent(1, { tenant: 't-private', prompt: 'TOP-SECRET-PROMPT-7731', completion: 'CONFIDENTIAL-ANSWER-9911' }));
    log.record(requestEvent(2, { tenant: 't-capture', prompt: 'CAPTURED-PROMPT-4242', capture: true }));
    await log.close();
    const bodies = (await backend.readEvents('n1', 1, 10, 10)).map((e) => e.body).join('\n');
    expect(bodies).toMatch(/"prompt":\{"bytes":22,"hmac":"[0-9a-f]{64}"\}/);
    await backend.close();
    const files = (d: string): string[] => readdirSync(d).flatMap((f) => statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]);
    const all = files(dir).map((f) => readFileSync(f).toString('latin1')).join('\n');
    expect(all).not.toContain('TOP-SECRET-PROMPT-7731');
    expect(all).not.toContain('CONFIDENTIAL-ANSWER-9911');
    expect(all).toContain('CAPTURED-PROMPT-4242');
    const keyFile = files(dir).find((f) => f.endsWith('.pem'));
    expect(keyFile && (statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
  });
});
