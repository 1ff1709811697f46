/** @module One contract suite for every AuditBackend: chain writing, concurrent writers, verification, retention, incidents. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.js';
import type { AuditBackend } from '../../src/audit/backend.js';
import type { IncidentBackend } from '../../src/audit/incident-types.js';
import { buildProof, verifyProof } from '../../src/audit/proof.js';
import { verifyStore } from '../../src/audit/verify-store.js';
import { IncidentService } from '../../src/control/incidents.js';
import { requestEvent, tempDir } from './helpers.js';

export type MadeBackend = { backend: AuditBackend & IncidentBackend; second: () => Promise<AuditBackend & IncidentBackend>; tamper: (chain: string, seq: number) => Promise<void>; close: () => Promise<void> };

export function describeAuditBackend(name: string, make: (dataDir: string) => Promise<MadeBackend>, skip = false): void {
  describe.skipIf(skip)(`AuditBackend contract: ${name}`, () => {
    let dir: string;
    let cleanup: () => void;
    let made: MadeBackend;
    beforeEach(async () => {
      ({ dir, cleanup } = tempDir());
      made = await make(dir);
    });
    afterEach(async () => {
      await made.close();
      cleanup();
    });

    it('writes a chain that verifies, continues it after a restart, and proves events', async () => {
      for (let round = 0; round < 2; round++) {
        const log = createAuditLog({ backend: made.backend, nodeId: 'n1', checkpointEvery: 50, maxBatch: 40 });
        for (let i = 0; i < 230; i++) log.record(requestEvent(i));
        await log.close();
      }
      const r = await verifyStore(made.backend);
      expect(r).toMatchObject({ ok: true, events: 462 });
      expect(verifyProof(await buildProof(made.backend, 'n1', 77))).toMatchObject({ ok: true });
    });

    it('keeps one valid chain when two processes write under the same node id', async () => {
      const other = await made.second();
      const a = createAuditLog({ backend: made.backend, nodeId: 'shared', maxBatch: 25 });
      const b = createAuditLog({ backend: other, nodeId: 'shared', maxBatch: 25 });
      for (let i = 0; i < 300; i++) {
        a.record(requestEvent(i));
        b.record(requestEvent(10_000 + i));
      }
      await Promise.all([a.close(), b.close()]);
      await other.close();
      expect(await verifyStore(made.backend)).toMatchObject({ ok: true, events: 602 });
    });

    it('detects a modified event', async () => {
      const log = createAuditLog({ backend: made.backend, nodeId: 'n1', checkpointEvery: 10 });
      for (let i = 0; i < 40; i++) log.record(requestEvent(i));
      await log.close();
      await made.tamper('n1', 20);
      expect((await verifyStore(made.backend)).firstBad).toMatchObject({ seq: 20, kind: 'modified' });
    });

    it('prunes through a signed retention event and still verifies', async () => {
      let now = 5_000_000;
      const log = createAuditLog({ backend: made.backend, nodeId: 'n1', checkpointEvery: 10, clock: () => now });
      for (let i = 0; i < 40; i++) {
        now += 1000;
        log.record(requestEvent(i, { at: now }));
        if (i % 10 === 9) await log.flush();
      }
      now += 1_000_000;
      const rec = await log.prune({ olderThanMs: 1_000_000 + 15_000, actor: 'ops' });
      await log.close();
      expect(rec?.deleted).toBeGreaterThan(0);
      expect((await verifyStore(made.backend)).ok).toBe(true);
      expect(await made.backend.listRetention('n1')).toHaveLength(1);
    });

    it('keeps incidents with a timeline and the Art. 73 deadline', async () => {
      const svc = new IncidentService({ backend: made.backend, clock: () => 1_000 });
      const inc = await svc.open({ title: 'harmful output', severity: 'critical', actor: 'alice', serious: 'death', detectedAt: 0 });
      expect(inc.deadlineAt).toBe(10 * 86_400_000);
      await svc.update(inc.id, { actor: 'bob', note: 'vendor notified' });
      const done = await svc.resolve(inc.id, { actor: 'alice' });
      expect(done.status).toBe('resolved');
      expect(done.timeline.map((t) => t.kind)).toEqual(['opened', 'note', 'resolved']);
      expect((await svc.list({ status: 'open' }))).toHaveLength(0);
    });
  });
}
