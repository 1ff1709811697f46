/**
 * @module Cluster mode end to end: three node processes on PostgreSQL + Redis. A restriction is enforced by every node
 * the moment the admin call returns; lift, expiry, fallback, a SIGKILLed node named as missing, and durability
 * across restarting every node.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStub, type StubUpstream } from '../support/stub-upstream.js';
import { checkServices, createTempDatabase, describeWithServices, freshRedisPrefix, TEST_REDIS_URL, type TempDatabase } from '../support/services.js';
import { assertBuilt, eventually, makeNodes, sleep, writeClusterConfig, type ClusterNode, type Propagated } from './cluster-harness.js';

const gate = await checkServices(['postgres', 'redis']);

describeWithServices('cluster: confirmed propagation across node processes', gate, () => {
  let db: TempDatabase;
  let stub: StubUpstream;
  let nodes: ClusterNode[];
  let key: string;
  const ids = (): string[] => nodes.map((n) => n.id).sort();

  beforeAll(async () => {
    assertBuilt();
    db = await createTempDatabase();
    stub = await startStub('openai');
    const configFile = writeClusterConfig(stub.baseUrl);
    const prefix = freshRedisPrefix();
    nodes = await makeNodes(['node-a', 'node-b', 'node-c'].map((id) => ({ id, storeUrl: db.url, busUrl: TEST_REDIS_URL, prefix, configFile })));
    // The first node migrates alone; the others then start together.
    await nodes[0]?.start();
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    const k = await nodes[0]!.admin<{ key: string; propagation: Propagated }>('POST', '/admin/keys', { tenant: 'acme' });
    expect(k.status).toBe(200);
    expect(k.body.propagation.confirmed).toEqual(ids());
    key = k.body.key;
  }, 90_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop('SIGKILL')));
    await stub?.close();
    await db?.drop();
  });

  const restrict = async (via: ClusterNode, body: Record<string, unknown>) => {
    const r = await via.admin<Propagated>('POST', '/admin/restrictions', { reason: 'partner report', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const lift = async (via: ClusterNode, id: string) => {
    const r = await via.admin<Propagated>('POST', `/admin/restrictions/${id}/lift`, { reason: 'fixed' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  it('refuses the restricted model on every node as soon as the restrict call returned with all acks, and serves it again after lift', async () => {
    const r = await restrict(nodes[0]!, { model: 'gpt-test' });
    expect(r.confirmed).toEqual(ids());
    expect(r.missing).toEqual([]);
    expect(r.version).toBeGreaterThan(1);
    const after = await Promise.all(nodes.map((n) => n.chat(key, 'gpt-test')));
    for (const a of after) {
      expect(a.status).toBe(403);
      expect(a.code).toBe('model_restricted');
      expect(a.message).toContain(r.id);
      expect(a.message).toContain('partner report');
    }
    // Other models are untouched.
    for (const n of nodes) expect((await n.chat(key, 'gpt-safe')).status).toBe(200);
    const models = (await (await fetch(`${nodes[2]!.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string; status: string }[] };
    expect(models.data.find((m) => m.id === 'gpt-test')?.status).toBe('restricted');

    const l = await lift(nodes[1]!, r.id);
    expect(l.confirmed).toEqual(ids());
    expect(l.version).toBeGreaterThan(r.version);
    for (const n of nodes) expect((await n.chat(key, 'gpt-test')).status).toBe(200);
  });

  it('routes to the fallback model on every node and says so in a header', async () => {
    const r = await restrict(nodes[2]!, { model: 'gpt-*', fallback: 'gpt-safe' });
    expect(r.confirmed).toEqual(ids());
    // gpt-safe matches the glob too, so a fallback onto it would be restricted; use a model-exact restriction instead.
    await lift(nodes[2]!, r.id);
    const f = await restrict(nodes[2]!, { model: 'gpt-test', fallback: 'gpt-safe' });
    for (const n of nodes) {
      const a = await n.chat(key, 'gpt-test');
      expect(a.status).toBe(200);
      expect(a.headers.get('x-warden-fallback')).toContain('from=gpt-test');
      expect(a.headers.get('x-warden-fallback')).toContain(`restriction=${f.id}`);
      expect(a.headers.get('x-warden-model')).toBe('gpt-safe');
    }
    await lift(nodes[0]!, f.id);
  });

  it('stops applying an expired restriction on every node without any further call', async () => {
    const expiresAt = Date.now() + 1_500;
    const r = await restrict(nodes[1]!, { model: 'gpt-test', expiresAt });
    expect(r.confirmed).toEqual(ids());
    for (const n of nodes) expect((await n.chat(key, 'gpt-test')).code).toBe('model_restricted');
    await sleep(Math.max(0, expiresAt - Date.now()) + 100);
    for (const n of nodes) expect((await n.chat(key, 'gpt-test')).status).toBe(200);
  });

  it('names a SIGKILLed node as missing while its heartbeat is fresh, then stops waiting for it', async () => {
    const victim = nodes[2]!;
    await victim.stop('SIGKILL');
    const r = await restrict(nodes[0]!, { model: 'gpt-test', timeoutMs: 700 });
    expect(r.missing).toEqual([victim.id]);
    expect(r.confirmed).toEqual(ids().filter((id) => id !== victim.id));
    expect(r.elapsedMs).toBeGreaterThanOrEqual(600);
    // Past the live window (5 s without heartbeat) the dead node is no longer waited for, nor reported.
    await sleep(5_500);
    const l = await lift(nodes[1]!, r.id);
    expect(l.missing).toEqual([]);
    expect(l.confirmed).not.toContain(victim.id);
    expect(l.elapsedMs).toBeLessThan(500);
    const status = await nodes[0]!.admin<{ nodes: { id: string; heartbeatAt: number }[] }>('GET', '/admin/status');
    expect(Date.now() - (status.body.nodes.find((n) => n.id === victim.id)?.heartbeatAt ?? 0)).toBeGreaterThan(5_000);
    // It comes back under the same id and is waited for again.
    await victim.start();
    const again = await restrict(nodes[0]!, { model: 'gpt-other-*' });
    expect(again.confirmed).toEqual(ids());
    await lift(nodes[0]!, again.id);
  }, 30_000);

  it('keeps a restriction through a restart of every node: each refuses on its very first request', async () => {
    const r = await restrict(nodes[0]!, { model: 'gpt-test' });
    expect(r.confirmed).toEqual(ids());
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await Promise.all(nodes.map((n) => n.start()));
    const first = await Promise.all(nodes.map((n) => n.chat(key, 'gpt-test')));
    for (const a of first) expect(a.code).toBe('model_restricted');
    const l = await lift(nodes[0]!, r.id);
    expect(l.confirmed).toEqual(ids());
    await eventually(async () => (await nodes[2]!.chat(key, 'gpt-test')).status === 200, 2_000, 'lift applied');
  }, 60_000);
});
