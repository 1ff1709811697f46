/**
 * @module The one contract every Store backend passes: versions bump with each change in one transaction,
 * compare-and-set writes, durable state across reopening, node registry. Run it with `describeStore(name, make)`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, NodeRecord, Restriction } from '../../src/core/types.js';
import type { Store } from '../../src/store/types.js';

/** One fresh, empty store; `reopen` opens a second instance on the same data (durability); `cleanup` removes it all. */
export type StoreFixture = {
  readonly store: Store;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
};

// Millisecond times past 2^31 and past 2^32, so a driver that truncates to 32-bit integers fails.
const T0 = 1_767_225_600_000;
const meta = (actor = 'tester', at = T0) => ({ actor, at });

let seq = 0;
function key(over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  seq++;
  return {
    id: `key_${seq}`, tenant: 'acme', name: `k${seq}`, hash: `hash_${seq}_${Math.random().toString(36).slice(2)}`, prefix: 'wdn_abc',
    models: ['gpt-test'], rpm: 60, createdAt: T0 + seq, revokedAt: null, ...over,
  };
}

function restriction(over: Partial<Restriction> = {}): Restriction {
  seq++;
  return {
    id: `rst_${seq}`, model: 'gpt-test', scope: {}, action: { kind: 'deny' }, reason: 'partner report', incident: null,
    createdBy: 'admin', createdAt: T0 + seq, expiresAt: null, terminateInFlight: false, liftedAt: null, liftedBy: null, liftReason: null, ...over,
  };
}

function node(id: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return { id, region: 'eu-west', pid: 1234, host: 'h1', startedAt: T0, heartbeatAt: T0, appliedVersion: 1, appliedAt: T0, stoppedAt: null, ...over };
}

export function describeStore(name: string, make: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fx: StoreFixture;
    let s: Store;
    const extra: Store[] = [];
    beforeEach(async () => {
      fx = await make();
      s = fx.store;
    });
    afterEach(async () => {
      for (const x of extra.splice(0)) await x.close();
      await s.close();
      await fx.cleanup();
    });

    it('starts empty at version 1', async () => {
      expect(await s.getVersion()).toBe(1);
      const st = await s.loadState();
      expect(st).toEqual({ version: 1, keys: [], restrictions: [] });
      expect(await s.listChanges(0, 100)).toEqual([]);
      expect(await s.listNodes()).toEqual([]);
    });

    it('bumps the version by one with each change and records who, when and what', async () => {
      const k = key();
      const a = await s.createKey(k, meta('alice', T0 + 1));
      const r = restriction();
      const b = await s.createRestriction(r, meta('bob', T0 + 2));
      const c = await s.recordChange('config.reload', { file: 'x.yaml' }, meta('carol', T0 + 3));
      expect([a.version, b.version, c.version]).toEqual([2, 3, 4]);
      expect(await s.getVersion()).toBe(4);
      const changes = await s.listChanges(0, 10);
      expect(changes.map((x) => [x.version, x.kind, x.actor, x.at])).toEqual([
        [2, 'key.create', 'alice', T0 + 1], [3, 'restriction.create', 'bob', T0 + 2], [4, 'config.reload', 'carol', T0 + 3],
      ]);
      expect(changes[0]?.detail).toMatchObject({ id: k.id, tenant: 'acme' });
      expect(changes[1]?.detail).toMatchObject({ id: r.id, model: 'gpt-test', reason: 'partner report' });
      expect(changes[2]?.detail).toEqual({ file: 'x.yaml' });
      expect((await s.listChanges(2, 1)).map((x) => x.version)).toEqual([3]);
    });

    it('round-trips keys exactly, and a revoked key leaves the served state but stays listed', async () => {
      const k1 = key({ models: null, rpm: null, name: null });
      const k2 = key();
      await s.createKey(k1, meta());
      await s.createKey(k2, meta());
      expect(await s.listKeys()).toEqual([k1, k2]);
      const rv = await s.revokeKey(k1.id, meta('admin', T0 + 50));
      expect(rv).toEqual({ version: 4, key: { ...k1, revokedAt: T0 + 50 } });
      const st = await s.loadState();
      expect(st.version).toBe(4);
      expect(st.keys).toEqual([k2]);
      expect((await s.listKeys()).find((x) => x.id === k1.id)?.revokedAt).toBe(T0 + 50);
    });

    it('revokes a key only once (compare-and-set): a second revoke changes nothing and bumps nothing', async () => {
      const k = key();
      await s.createKey(k, meta());
      expect(await s.revokeKey(k.id, meta())).toBeDefined();
      const v = await s.getVersion();
      expect(await s.revokeKey(k.id, meta())).toBeUndefined();
      expect(await s.revokeKey('no_such_key', meta())).toBeUndefined();
      expect(await s.getVersion()).toBe(v);
    });

    it('rejects a duplicate key id or hash and leaves version and change log untouched (one transaction)', async () => {
      const k = key();
      await s.createKey(k, meta());
      await expect(s.createKey({ ...k, hash: 'other' }, meta())).rejects.toThrow();
      await expect(s.createKey({ ...key(), hash: k.hash }, meta())).rejects.toThrow();
      expect(await s.getVersion()).toBe(2);
      expect(await s.listChanges(0, 10)).toHaveLength(1);
      expect(await s.listKeys()).toHaveLength(1);
    });

    it('round-trips restrictions with scope, fallback, expiry, incident and terminate-in-flight', async () => {
      const r1 = restriction({
        model: 'claude-3-*', scope: { regions: ['eu-west', 'us-east'], tenants: ['acme'], keys: ['key_1'] },
        action: { kind: 'fallback', model: 'gpt-safe' }, incident: 'INC-42', expiresAt: 4_102_444_800_000, terminateInFlight: true,
      });
      const r2 = restriction({ model: '*' });
      await s.createRestriction(r1, meta());
      await s.createRestriction(r2, meta());
      expect(await s.listRestrictions()).toEqual([r1, r2]);
      expect((await s.loadState()).restrictions).toEqual(expect.arrayContaining([r1, r2]));
    });

    it('lifts a restriction once: recorded with who and why, gone from the served state, kept in the full list', async () => {
      const r = restriction();
      await s.createRestriction(r, meta());
      const lifted = await s.liftRestriction(r.id, 'fixed upstream', meta('ops', T0 + 99));
      expect(lifted).toEqual({ version: 3, restriction: { ...r, liftedAt: T0 + 99, liftedBy: 'ops', liftReason: 'fixed upstream' } });
      expect(await s.liftRestriction(r.id, 'again', meta())).toBeUndefined();
      expect(await s.liftRestriction('rst_missing', 'x', meta())).toBeUndefined();
      expect(await s.getVersion()).toBe(3);
      expect(await s.listRestrictions()).toEqual([]);
      expect((await s.loadState()).restrictions).toEqual([]);
      expect(await s.listRestrictions({ includeLifted: true })).toEqual([lifted?.restriction]);
      expect((await s.listChanges(2, 10))[0]).toMatchObject({ kind: 'restriction.lift', actor: 'ops', detail: { id: r.id, reason: 'fixed upstream' } });
    });

    it('serialises concurrent writers: distinct, gap-free versions, one change record each', async () => {
      const other = await fx.reopen();
      extra.push(other);
      const writes = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? s : other).createRestriction(restriction(), meta(`w${i}`)));
      const versions = (await Promise.all(writes)).map((w) => w.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
      expect(await s.getVersion()).toBe(25);
      const changes = await s.listChanges(0, 100);
      expect(changes.map((c) => c.version)).toEqual(versions);
      const st = await other.loadState();
      expect(st.version).toBe(25);
      expect(st.restrictions).toHaveLength(24);
    });

    it('lets exactly one of two concurrent lifts of the same restriction win', async () => {
      const other = await fx.reopen();
      extra.push(other);
      const r = restriction();
      await s.createRestriction(r, meta());
      const results = await Promise.all([s.liftRestriction(r.id, 'a', meta('a')), other.liftRestriction(r.id, 'b', meta('b'))]);
      expect(results.filter((x) => x !== undefined)).toHaveLength(1);
      expect(await s.getVersion()).toBe(3);
    });

    it('keeps the first value of a meta key, also when two writers race', async () => {
      expect(await s.getMeta('admin_token_sha256')).toBeUndefined();
      const other = await fx.reopen();
      extra.push(other);
      const [a, b] = await Promise.all([s.putMetaIfAbsent('admin_token_sha256', 'aaa'), other.putMetaIfAbsent('admin_token_sha256', 'bbb')]);
      expect(a).toBe(b);
      expect(['aaa', 'bbb']).toContain(a);
      expect(await s.putMetaIfAbsent('admin_token_sha256', 'ccc')).toBe(a);
      expect(await s.getMeta('admin_token_sha256')).toBe(a);
    });

    it('registers nodes, heartbeats them (applied time moves only with the version) and marks them stopped', async () => {
      await s.upsertNode(node('n-b'));
      await s.upsertNode(node('n-a', { region: 'us-east', pid: null, host: null }));
      await s.heartbeat('n-a', T0 + 1000, 1);
      let a = (await s.listNodes()).find((n) => n.id === 'n-a');
      expect(a).toMatchObject({ heartbeatAt: T0 + 1000, appliedVersion: 1, appliedAt: T0, pid: null, host: null, region: 'us-east' });
      await s.heartbeat('n-a', T0 + 2000, 7);
      a = (await s.listNodes()).find((n) => n.id === 'n-a');
      expect(a).toMatchObject({ heartbeatAt: T0 + 2000, appliedVersion: 7, appliedAt: T0 + 2000 });
      await s.markNodeStopped('n-b', T0 + 3000);
      expect((await s.listNodes()).map((n) => [n.id, n.stoppedAt])).toEqual([['n-a', null], ['n-b', T0 + 3000]]);
      // A restarted node re-registers under its stable id and is live again.
      await s.upsertNode(node('n-b', { startedAt: T0 + 4000, heartbeatAt: T0 + 4000, appliedVersion: 7 }));
      expect((await s.listNodes()).find((n) => n.id === 'n-b')).toEqual(node('n-b', { startedAt: T0 + 4000, heartbeatAt: T0 + 4000, appliedVersion: 7 }));
    });

    it('keeps every committed change when the store is closed and opened again', async () => {
      const r = restriction({ model: 'gpt-test' });
      const k = key();
      await s.createKey(k, meta());
      await s.createRestriction(r, meta());
      await s.putMetaIfAbsent('m', 'v');
      await s.close();
      s = await fx.reopen();
      expect(await s.getVersion()).toBe(3);
      const st = await s.loadState();
      expect(st.restrictions).toEqual([r]);
      expect(st.keys).toEqual([k]);
      expect(await s.getMeta('m')).toBe('v');
    });

    it('reads a consistent state: keys and restrictions belong to the version returned with them', async () => {
      const other = await fx.reopen();
      extra.push(other);
      const writer = (async () => {
        for (let i = 0; i < 15; i++) await other.createRestriction(restriction(), meta());
      })();
      const seen: [number, number][] = [];
      for (let i = 0; i < 15; i++) {
        const st = await s.loadState();
        seen.push([st.version, st.restrictions.length]);
      }
      await writer;
      // Each restriction is one version; the state at version v holds exactly v - 1 restrictions.
      for (const [v, n] of seen) expect(n).toBe(v - 1);
    });
  });
}
