/**
 * @module Cluster mode when the links fail: Redis unreachable (nodes converge by polling PostgreSQL), PostgreSQL and
 * Redis both unreachable (last snapshot until the staleness bound, then policy_stale), and a node restarted while the
 * store is unreachable serves nothing until it holds the newest snapshot. Links are cut with loopback TCP proxies.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStub, type StubUpstream } from '../support/stub-upstream.js';
import {
  checkServices, createTempDatabase, describeWithServices, freshRedisPrefix, TEST_REDIS_URL, type TempDatabase,
} from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { assertBuilt, eventually, makeNodes, sleep, writeClusterConfig, type ClusterNode, type Propagated } from './cluster-harness.js';

const gate = await checkServices(['postgres', 'redis']);
const STALE_AFTER_MS = 10_000; // the node default

describeWithServices('cluster: Redis and PostgreSQL outages', gate, () => {
  let db: TempDatabase;
  let stub: StubUpstream;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy; // B's link to Redis
  let redisProxyC: TcpProxy; // C's link to Redis
  let a: ClusterNode; // PostgreSQL and Redis direct
  let b: ClusterNode; // PostgreSQL direct, Redis through the proxy
  let c: ClusterNode; // both through the proxies
  let configFile: string;
  let prefix: string;
  let key: string;
  let all: ClusterNode[];
  const ids = (): string[] => all.map((n) => n.id).sort();

  beforeAll(async () => {
    assertBuilt();
    db = await createTempDatabase();
    stub = await startStub('openai');
    configFile = writeClusterConfig(stub.baseUrl);
    prefix = freshRedisPrefix();
    const pg = new URL(db.url);
    pgProxy = await startTcpProxy(pg.hostname, Number(pg.port || 5432));
    const r = new URL(TEST_REDIS_URL);
    redisProxy = await startTcpProxy(r.hostname, Number(r.port || 6379));
    redisProxyC = await startTcpProxy(r.hostname, Number(r.port || 6379));
    const viaPgUrl = new URL(db.url);
    viaPgUrl.host = `127.0.0.1:${pgProxy.port}`;
    const viaPg = viaPgUrl.toString();
    [a, b, c] = await makeNodes([
      { id: 'out-a', storeUrl: db.url, busUrl: TEST_REDIS_URL, prefix, configFile },
      { id: 'out-b', storeUrl: db.url, busUrl: redisProxy.url('redis'), prefix, configFile },
      { id: 'out-c', storeUrl: viaPg, busUrl: redisProxyC.url('redis'), prefix, configFile },
    ]) as [ClusterNode, ClusterNode, ClusterNode];
    all = [a, b, c];
    await a.start();
    await Promise.all([b.start(), c.start()]);
    const k = await a.admin<{ key: string; propagation: Propagated }>('POST', '/admin/keys', { tenant: 'acme' });
    expect(k.body.propagation.confirmed).toEqual(ids());
    key = k.body.key;
  }, 90_000);

  afterAll(async () => {
    await Promise.all((all ?? []).map((n) => n.stop('SIGKILL')));
    await pgProxy?.close();
    await redisProxy?.close();
    await redisProxyC?.close();
    await stub?.close();
    await db?.drop();
  });

  const restrict = async (via: ClusterNode, body: Record<string, unknown>) => {
    const r = await via.admin<Propagated>('POST', '/admin/restrictions', { reason: 'outage drill', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const lift = async (via: ClusterNode, id: string, timeoutMs?: number) => {
    const r = await via.admin<Propagated>('POST', `/admin/restrictions/${id}/lift`, { reason: 'done', ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  /** Waits until a change made on A is confirmed by every node over the bus again (Redis links reconnected). */
  const settle = async (): Promise<void> => {
    await eventually(async () => {
      const r = await restrict(a, { model: 'settle-*', timeoutMs: 1_000 });
      await lift(a, r.id);
      return r.missing.length === 0;
    }, 10_000, 'every node back on the bus');
  };

  it('confirms and enforces a restriction on every node by polling PostgreSQL while Redis is unreachable', async () => {
    await redisProxy.cut();
    await redisProxyC.cut();
    await sleep(200);
    // B has lost its bus, so it confirms the other nodes from the applied versions they write to the store.
    const r = await restrict(b, { model: 'gpt-test' });
    expect(r.confirmed).toEqual(ids());
    expect(r.missing).toEqual([]);
    expect(r.elapsedMs).toBeLessThan(2_000);
    for (const n of all) expect((await n.chat(key, 'gpt-test')).code).toBe('model_restricted');
    const l = await lift(c, r.id);
    expect(l.confirmed).toEqual(ids());
    for (const n of all) expect((await n.chat(key, 'gpt-test')).status).toBe(200);
    await redisProxy.restore();
    await redisProxyC.restore();
    await settle();
  }, 30_000);

  it('brings a node whose Redis URL points at a closed port to the new policy by polling', async () => {
    const [d] = await makeNodes([{ id: 'out-d', storeUrl: db.url, busUrl: 'redis://127.0.0.1:1', prefix, configFile }]);
    await d!.start();
    try {
      const r = await restrict(a, { model: 'gpt-test', timeoutMs: 1_500 });
      // The call returned; D has no bus, but its one-second poll of the store brings it the restriction.
      const took = await eventually(async () => (await d!.chat(key, 'gpt-test')).code === 'model_restricted', 2_500, 'D applies the restriction');
      expect(took).toBeLessThan(2_500);
      await lift(a, r.id, 500);
      await eventually(async () => (await d!.chat(key, 'gpt-test')).status === 200, 2_500, 'D applies the lift');
    } finally {
      // A graceful stop marks the node stopped, so later calls do not wait for it.
      await d!.stop('SIGTERM');
    }
  }, 40_000);

  it('serves from the last snapshot until the staleness bound when PostgreSQL and Redis are both unreachable, then refuses with policy_stale', async () => {
    await settle();
    const cutAt = Date.now();
    await pgProxy.cut();
    await redisProxyC.cut();
    await sleep(2_000);
    expect((await c.chat(key, 'gpt-test')).status).toBe(200);
    // A change made during the outage: C cannot learn it; once C's heartbeat is old it is no longer waited for.
    await sleep(Math.max(0, cutAt + 5_500 - Date.now()));
    const during = await restrict(a, { model: 'gpt-safe' });
    expect(during.missing).toEqual([]);
    expect(during.confirmed).toEqual([a.id, b.id].sort());
    await sleep(Math.max(0, cutAt + STALE_AFTER_MS + 1_200 - Date.now()));
    const stale = await c.chat(key, 'gpt-test');
    expect(stale.status).toBe(503);
    expect(stale.code).toBe('policy_stale');
    // demo-echo is failClosed: false, so it is still served from the last snapshot.
    expect((await c.chat(key, 'demo-echo')).status).toBe(200);
    expect((await b.chat(key, 'gpt-test')).status).toBe(200);
    await pgProxy.restore();
    await redisProxyC.restore();
    // Back: C catches up with the change it missed and serves again.
    await eventually(async () => (await c.chat(key, 'gpt-safe')).code === 'model_restricted', 5_000, 'C learns the restriction made during the outage');
    expect((await c.chat(key, 'gpt-test')).status).toBe(200);
    await lift(a, during.id);
  }, 40_000);

  it('keeps a node restarted during a store outage from serving anything until it holds the newest snapshot', async () => {
    await pgProxy.cut();
    await c.stop('SIGKILL');
    c.spawn();
    const r = await restrict(a, { model: 'gpt-test' });
    for (let i = 0; i < 10; i++) {
      expect(await c.readyz()).not.toBe(200);
      await sleep(150);
    }
    await pgProxy.restore();
    await c.waitReady(20_000);
    const first = await c.chat(key, 'gpt-test');
    expect(first.code).toBe('model_restricted');
    expect(first.message).toContain(r.id);
    await lift(a, r.id);
  }, 40_000);
});
