/** @module RedisBus against the real Redis of this machine: delivery, isolation by prefix, outage and reconnect. */
import { afterEach, expect, it } from 'vitest';
import { checkServices, describeWithServices, freshRedisPrefix, TEST_REDIS_URL } from '../../test/support/services.js';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.js';
import { createRedisBus, decodeBusMessage, type RedisBus } from './redis-bus.js';
import { MAX_CHANGE, type BusMessage } from './types.js';

it('ignores malformed, oversized and unknown bus messages', () => {
  const sig = 'ab'.repeat(32);
  expect(decodeBusMessage('{"t":"version","version":7}')).toEqual({ t: 'version', version: 7 });
  expect(decodeBusMessage(`{"t":"version","version":7,"from":"h-1:w0","change":"{}","sig":"${sig}","x":1}`))
    .toEqual({ t: 'version', version: 7, from: 'h-1:w0', change: '{}', sig });
  expect(decodeBusMessage('{"t":"ack","node":"h-1:w0","version":7}')).toEqual({ t: 'ack', node: 'h-1:w0', version: 7 });
  expect(decodeBusMessage('{"t":"ack","node":"h-1:w0","version":7,"to":"h-2"}')).toEqual({ t: 'ack', node: 'h-1:w0', version: 7, to: 'h-2' });
  for (const bad of ['', 'null', '[]', '{"t":"version"}', '{"t":"version","version":-1}', '{"t":"version","version":1.5}',
    '{"t":"ack","version":3}', '{"t":"ack","node":"a b","version":3}', '{"t":"drop","version":1}', `{"t":"version","version":1,"x":"${'a'.repeat(20_000)}"}`,
    '{"t":"version","version":1,"from":"a b"}', '{"t":"version","version":1,"change":"{}"}', `{"t":"version","version":1,"change":"{}","sig":"${sig.toUpperCase()}"}`,
    `{"t":"version","version":1,"change":"${'a'.repeat(MAX_CHANGE + 1)}","sig":"${sig}"}`, '{"t":"ack","node":"n1","version":3,"to":"a b"}']) {
    expect(decodeBusMessage(bad)).toBeUndefined();
  }
});

const gate = await checkServices(['redis']);
const u = new URL(TEST_REDIS_URL);

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeWithServices('RedisBus', gate, () => {
  const open: RedisBus[] = [];
  const proxies: TcpProxy[] = [];
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
    for (const p of proxies.splice(0)) await p.close();
  });
  const bus = async (url: string, prefix: string, readyTimeoutMs = 2_000): Promise<RedisBus> => {
    const b = await createRedisBus({ url, prefix, readyTimeoutMs });
    open.push(b);
    return b;
  };

  it('delivers notices and acks to every bus on the same prefix, and nothing across prefixes', async () => {
    const prefix = freshRedisPrefix();
    const a = await bus(TEST_REDIS_URL, prefix);
    const b = await bus(TEST_REDIS_URL, prefix);
    const stranger = await bus(TEST_REDIS_URL, freshRedisPrefix());
    expect(a.healthy() && b.healthy() && stranger.healthy()).toBe(true);
    const got: BusMessage[] = [];
    const heardByStranger: BusMessage[] = [];
    b.subscribe((m) => got.push(m));
    stranger.subscribe((m) => heardByStranger.push(m));
    await a.publish({ t: 'version', version: 5 });
    await a.publish({ t: 'ack', node: 'n1', version: 5 });
    await until(() => got.length === 2);
    expect(got).toEqual([{ t: 'version', version: 5 }, { t: 'ack', node: 'n1', version: 5 }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(heardByStranger).toEqual([]);
  });

  it('delivers an addressed ack to its node only, also after a reconnect', async () => {
    const proxy = await startTcpProxy(u.hostname, Number(u.port || 6379));
    proxies.push(proxy);
    const prefix = freshRedisPrefix();
    const a = await bus(proxy.url('redis'), prefix);
    const b = await bus(TEST_REDIS_URL, prefix);
    await a.listenAs('node-a');
    await b.listenAs('node-b');
    const toA: BusMessage[] = [];
    const toB: BusMessage[] = [];
    a.subscribe((m) => toA.push(m));
    b.subscribe((m) => toB.push(m));
    await b.publish({ t: 'ack', node: 'node-b', version: 4, to: 'node-a' });
    await until(() => toA.length === 1);
    expect(toA).toEqual([{ t: 'ack', node: 'node-b', version: 4, to: 'node-a' }]);
    // The node's own channel is subscribed again when the link comes back.
    await proxy.cut();
    await until(() => !a.healthy());
    await proxy.restore();
    await until(() => a.healthy(), 8_000);
    await b.publish({ t: 'ack', node: 'node-b', version: 5, to: 'node-a' });
    await until(() => toA.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(toB).toEqual([]);
  });

  it('is unhealthy and never blocks a publish when Redis is unreachable', async () => {
    const b = await bus('redis://127.0.0.1:1', freshRedisPrefix(), 200);
    expect(b.healthy()).toBe(false);
    const t0 = Date.now();
    await b.publish({ t: 'version', version: 1 });
    expect(Date.now() - t0).toBeLessThan(100);
    expect(b.dropped).toBe(1);
  });

  it('goes unhealthy when Redis drops away and recovers, resubscribed, when it is back', async () => {
    const proxy = await startTcpProxy(u.hostname, Number(u.port || 6379));
    proxies.push(proxy);
    const prefix = freshRedisPrefix();
    const viaProxy = await bus(proxy.url('redis'), prefix);
    const direct = await bus(TEST_REDIS_URL, prefix);
    expect(viaProxy.healthy()).toBe(true);
    await proxy.cut();
    await until(() => !viaProxy.healthy());
    await viaProxy.publish({ t: 'version', version: 2 });
    await proxy.restore();
    await until(() => viaProxy.healthy(), 8_000);
    const got: BusMessage[] = [];
    viaProxy.subscribe((m) => got.push(m));
    await direct.publish({ t: 'version', version: 3 });
    await until(() => got.length === 1);
    expect(got).toEqual([{ t: 'version', version: 3 }]);
  });
});
