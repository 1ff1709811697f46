import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envelope, openEnvelope, sha256 } from '../../src/audit/envelope.js';
import { verifyStore as verifyOn, type VerifyOptions } from '../../src/audit/verify-store.js';
import type { SqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { tempDir, writeChain } from './helpers.js';

type Row = { seq: number; hash: string; body: string };

// Every case runs on one thread and with verify threads (forced on for this small chain; three, so ranges are uneven):
// the threaded path must reach the same verdict, and report the same first problem.
describe.each([
  { path: 'one thread', threaded: { threads: 1 } },
  { path: 'verify threads', threaded: { threads: 3, minParallel: 1 } },
])('audit verification catches tampering ($path)', ({ threaded }) => {
  const verifyStore = (b: SqliteAuditBackend, o: VerifyOptions = {}): ReturnType<typeof verifyOn> => verifyOn(b, { ...threaded, ...o });
  let dir: string;
  let cleanup: () => void;
  let backend: SqliteAuditBackend;
  const row = (seq: number): Row => backend.db.prepare('SELECT seq, hash, body FROM audit_events WHERE chain = ? AND seq = ?').get('node-a', seq) as Row;
  const setRow = (seq: number, body: string, hash: string): void => {
    backend.db.prepare('UPDATE audit_events SET body = ?, hash = ? WHERE chain = ? AND seq = ?').run(body, hash, 'node-a', seq);
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    ({ backend } = await writeChain(dir, 100));
  });
  afterEach(async () => {
    await backend.close();
    cleanup();
  });

  it('passes an untouched chain', async () => {
    const r = await verifyStore(backend);
    expect(r.ok).toBe(true);
    expect(r.events).toBe(101); // 100 requests + the chain.open event
    expect(r.chains[0]?.unsigned).toBe(0);
    expect(r.chains[0]?.threads ?? 1).toBe(threaded.threads);
  });

  it('catches a modified event', async () => {
    const r0 = row(40);
    setRow(40, r0.body.replace('"outcome":"allowed"', '"outcome":"blocked"'), r0.hash);
    const r = await verifyStore(backend);
    expect(r.ok).toBe(false);
    expect(r.firstBad).toMatchObject({ seq: 40, kind: 'modified' });
  });

  it('catches a modified event whose stored hash was recomputed', async () => {
    const r0 = row(40);
    const body = r0.body.replace('"latencyMs":', '"latencyMs":1');
    setRow(40, body, sha256(body));
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ seq: 41, kind: 'modified' });
  });

  it('catches a history rewritten consistently from a modified event onwards, through the signed root', async () => {
    let prev = row(39).hash;
    const last = (backend.db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number);
    for (let seq = 40; seq <= last; seq++) {
      const env = openEnvelope(row(seq).body);
      if (!env) throw new Error('bad envelope');
      const payload = seq === 40 ? env.payload.replace('"tenant":"acme"', '"tenant":"evil"') : env.payload;
      const body = envelope(payload, prev, seq);
      const h = sha256(body);
      setRow(seq, body, h);
      prev = h;
    }
    const r = await verifyStore(backend);
    expect(r.ok).toBe(false);
    expect(r.firstBad?.kind).toMatch(/modified|root/);
    const firstCheckpointAfter = (await backend.listCheckpoints('node-a')).find((c) => c.size >= 40)?.size;
    expect(r.firstBad?.seq).toBe(firstCheckpointAfter);
  });

  it('catches a deleted event', async () => {
    backend.db.prepare('DELETE FROM audit_events WHERE chain = ? AND seq = ?').run('node-a', 50);
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ seq: 50, kind: 'missing' });
  });

  it('catches an inserted event', async () => {
    // Make room at 30 and insert a forged event that links to 29.
    backend.db.prepare('UPDATE audit_events SET seq = -seq WHERE seq >= 30').run();
    backend.db.prepare('UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0').run();
    const body = envelope('{"at":1,"kind":"request","node":"node-a","outcome":"allowed"}', row(29).hash, 30);
    backend.db.prepare('INSERT INTO audit_events (chain, seq, at, hash, body) VALUES (?, ?, ?, ?, ?)').run('node-a', 30, 1, sha256(body), body);
    const r = await verifyStore(backend);
    expect(r.ok).toBe(false);
    expect(r.firstBad?.seq).toBe(31);
  });

  it('catches reordered events', async () => {
    const a = row(60);
    const b = row(61);
    setRow(60, b.body, b.hash);
    setRow(61, a.body, a.hash);
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ seq: 60, kind: 'reordered' });
  });

  it('catches truncation through the signed checkpoints', async () => {
    backend.db.prepare('DELETE FROM audit_events WHERE chain = ? AND seq > ?').run('node-a', 90);
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ seq: 91, kind: 'truncated' });
  });

  it('catches truncation of events and checkpoints together, given an anchor kept elsewhere', async () => {
    const anchor = (await backend.listCheckpoints('node-a')).at(-1);
    if (!anchor) throw new Error('no checkpoint');
    backend.db.prepare('DELETE FROM audit_events WHERE chain = ? AND seq > ?').run('node-a', 60);
    backend.db.prepare('DELETE FROM audit_checkpoints WHERE chain = ? AND size > ?').run('node-a', 60);
    expect((await verifyStore(backend)).ok).toBe(true);
    const r = await verifyStore(backend, { anchors: [anchor] });
    expect(r.firstBad).toMatchObject({ kind: 'truncated' });
  });

  it('catches a forged checkpoint signature', async () => {
    backend.db.prepare("UPDATE audit_checkpoints SET statement = replace(statement, '\"reason\":\"periodic\"', '\"reason\":\"seal\"') WHERE size = (SELECT min(size) FROM audit_checkpoints)").run();
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ kind: 'signature' });
  });

  it('catches a deleted prefix that no retention event authorises', async () => {
    const cp = (await backend.listCheckpoints('node-a'))[1];
    if (!cp) throw new Error('no checkpoint');
    backend.db.prepare('DELETE FROM audit_events WHERE chain = ? AND seq <= ?').run('node-a', cp.size);
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ kind: 'pruned' });
  });

  it('still checks a chain whose keys and checkpoints were deleted', async () => {
    backend.db.prepare('DELETE FROM audit_keys').run();
    backend.db.prepare('DELETE FROM audit_checkpoints').run();
    const r0 = row(10);
    setRow(10, r0.body.replace('"acme"', '"evil"'), r0.hash);
    const r = await verifyStore(backend);
    expect(r.firstBad).toMatchObject({ seq: 10, kind: 'modified' });
  });
});
