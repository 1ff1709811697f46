/**
 * @module Rate limits shared by the nodes of a cluster: counts exchanged through Redis (RedisCounters), so a key's
 * requests-per-minute hold for the cluster, not per node; checked on the real Redis and with two node processes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisCounters } from '../../src/bus/redis-counters.js';
import { RateLimiter } from '../../src/gateway/rate-limit.js';
import { startStub, type StubUpstream } from '../support/stub-upstream.js';
import { checkServices, createTempDatabase, describeWithServices, freshRedisPrefix, TEST_REDIS_URL, type TempDatabase } from '../support/services.js';
import { assertBuilt, makeNodes, sleep, writeClusterConfig, type ClusterNode } from './cluster-harness.js';

const gate = await checkServices(['postgres', 'redis']);

describeWithServices('cluster: shared rate limits', gate, () => {
  let db: TempDatabase;
  let stub: StubUpstream;
  let nodes: ClusterNode[];

  beforeAll(async () => {
    assertBuilt();
    db = await createTempDatabase();
    stub = await startStub('openai');
    const configFile = writeClusterConfig(stub.baseUrl);
    const prefix = freshRedisPrefix();
    nodes = await makeNodes(['rl-a', 'rl-b'].map((id) => ({ id, storeUrl: db.url, busUrl: TEST_REDIS_URL, prefix, configFile })));
    await nodes[0]?.start();
    await nodes[1]?.start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop('SIGKILL')));
    await stub?.close();
    await db?.drop();
  });

  it('three limiters on one Redis admit the limit between them', async () => {
    const prefix = freshRedisPrefix();
    const counters = [0, 1, 2].map(() => new RedisCounters({ url: TEST_REDIS_URL, prefix }));
    const start = Date.now();
    while (!counters.every((c) => c.healthy())) {
      if (Date.now() - start > 5_000) throw new Error('Redis not ready');
      await sleep(10);
    }
    const limiters = counters.map((c) => new RateLimiter({ counters: c, syncMs: 3_600_000 }));
    let admitted = 0;
    for (let i = 0; i < 90; i++) {
      if (limiters[i % 3]!.take('key_shared', 30, Date.now()) === 0) admitted++;
      if (i % 3 === 2) await Promise.all(limiters.map((l) => l.sync()));
    }
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(32);
    await Promise.all(limiters.map((l) => l.close()));
  });

  it('two node processes hold a key to its requests per minute together', async () => {
    const k = await nodes[0]!.admin<{ key: string }>('POST', '/admin/keys', { tenant: 'acme', rpm: 10 });
    expect(k.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      for (const n of nodes) statuses.push((await n.chat(k.body.key, 'gpt-test')).status);
      await sleep(250); // longer than the 100 ms exchange interval, with room for a loaded machine
    }
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Per node it would be 10 each (20 in all); shared, at most one exchange interval's worth over.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(12);
  }, 60_000);
});
