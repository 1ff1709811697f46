/** @module NodeAgent: a signed change in the notice is applied without reading the store; anything else reloads from it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LocalBus } from '../bus/local-bus.js';
import type { Restriction } from '../core/types.js';
import { buildSnapshot } from '../policy/snapshot.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { NodeAgent } from './node-agent.js';
import { CHANGE_KEY_META, decodeChange, encodeChange, signAck } from './policy-change.js';

const meta = { actor: 'test', at: 1_000 };

function restriction(id: string, model: string): Restriction {
  return {
    id, model, scope: { tenants: ['acme'] }, action: { kind: 'deny' }, reason: 'partner report', incident: null, createdBy: 'test',
    createdAt: 1_000, expiresAt: null, terminateInFlight: false, liftedAt: null, liftedBy: null, liftReason: null,
  };
}

/** The store, with its full-state reads counted. */
function counted(store: Store): { store: Store; loads: () => number } {
  let loads = 0;
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'loadState') {
        return async () => {
          loads++;
          return target.loadState();
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, loads: () => loads };
}

const agents: NodeAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

async function setup(changeKey?: string) {
  const store = createSqliteStore(mkdtempSync(join(tmpdir(), 'warden-agent-')));
  if (changeKey !== undefined) await store.putMetaIfAbsent(CHANGE_KEY_META, changeKey);
  const bus = new LocalBus();
  const make = async (nodeId: string) => {
    const c = counted(store);
    const agent = new NodeAgent({
      store: c.store, bus, nodeId, region: 'eu-west', now: Date.now, pollMs: 60_000, heartbeatMs: 60_000,
      build: (s) => buildSnapshot({ version: s.version, keys: s.keys, restrictions: s.restrictions, models: [] }),
    });
    await agent.start();
    agents.push(agent);
    return { agent, loads: c.loads };
  };
  const a = await make('node-a');
  const b = await make('node-b');
  return { store, bus, a, b };
}

it('applies a restriction and its lift from the notice alone, and every node acknowledges', async () => {
  const { store, a, b } = await setup();
  const before = b.loads();
  const r = restriction('rst_1', 'gpt-test');
  const { version } = await store.createRestriction(r, meta);
  const p = await a.agent.propagate(version, 2_000, { op: 'restrict', restriction: r });
  expect(p.confirmed).toEqual(['node-a', 'node-b']);
  expect(p.missing).toEqual([]);
  for (const n of [a, b]) {
    expect(n.agent.snapshot().version).toBe(version);
    expect(n.agent.snapshot().restrictions.map((x) => [x.id, x.model, x.scope])).toEqual([['rst_1', 'gpt-test', { tenants: ['acme'] }]]);
  }
  const lifted = await store.liftRestriction('rst_1', 'fixed', meta);
  const q = await b.agent.propagate(lifted!.version, 2_000, { op: 'lift', id: 'rst_1' });
  expect(q.missing).toEqual([]);
  expect(a.agent.snapshot().restrictions).toEqual([]);
  expect(b.loads()).toBe(before);
  expect(a.loads()).toBe(1);
});

it('reloads from the store when the change is forged, skips a version, or is absent', async () => {
  const { store, bus, a, b } = await setup();
  const key = Buffer.from((await store.getMeta(CHANGE_KEY_META))!, 'hex');

  // Forged: a signature not made with the shared key. The node serves what the store says, not what the notice says.
  const real = restriction('rst_real', 'gpt-test');
  const v1 = (await store.createRestriction(real, meta)).version;
  const forged = encodeChange(Buffer.alloc(32, 7), v1, { op: 'restrict', restriction: restriction('rst_forged', '*') }, 10_000)!;
  let loads = b.loads();
  await bus.publish({ t: 'version', version: v1, from: 'node-x', ...forged });
  await b.agent.refresh(v1);
  expect(b.loads()).toBe(loads + 1);
  expect(b.agent.snapshot().restrictions.map((x) => x.id)).toEqual(['rst_real']);

  // A version skipped: the change is genuine but not on top of what the node holds.
  await store.liftRestriction('rst_real', 'fixed', meta);
  const other = restriction('rst_2', 'gpt-safe');
  const v3 = (await store.createRestriction(other, meta)).version;
  loads = b.loads();
  await bus.publish({ t: 'version', version: v3, from: 'node-x', ...encodeChange(key, v3, { op: 'restrict', restriction: other }, 10_000)! });
  await b.agent.refresh(v3);
  expect(b.loads()).toBe(loads + 1);
  expect(b.agent.snapshot().restrictions.map((x) => x.id)).toEqual(['rst_2']);

  // No change in the notice (a key created, or one too large to carry).
  const v4 = (await store.recordChange('test.change', {}, meta)).version;
  loads = a.loads();
  await bus.publish({ t: 'version', version: v4, from: 'node-x' });
  await a.agent.refresh(v4);
  expect(a.loads()).toBe(loads + 1);
  expect(a.agent.snapshot().version).toBe(v4);
});

it('does not use a damaged signing key: changes are then reloaded from the store', async () => {
  const { store, a, b } = await setup('not-a-key');
  const before = b.loads();
  const r = restriction('rst_1', 'gpt-test');
  const { version } = await store.createRestriction(r, meta);
  const p = await a.agent.propagate(version, 2_000, { op: 'restrict', restriction: r });
  expect(p.missing).toEqual([]);
  expect(b.agent.snapshot().restrictions.map((x) => x.id)).toEqual(['rst_1']);
  expect(b.loads()).toBe(before + 1);
});

it('signs a change for one version only, and checks the shape of what it decodes', () => {
  const key = Buffer.alloc(32, 1);
  const change = { op: 'restrict', restriction: restriction('rst_1', 'gpt-*') } as const;
  const enc = encodeChange(key, 5, change, 10_000)!;
  expect(decodeChange(key, 5, enc.change, enc.sig)).toEqual(change);
  expect(decodeChange(key, 6, enc.change, enc.sig)).toBeUndefined();
  expect(decodeChange(Buffer.alloc(32, 2), 5, enc.change, enc.sig)).toBeUndefined();
  expect(decodeChange(key, 5, enc.change.replace('gpt-*', '*'), enc.sig)).toBeUndefined();
  expect(encodeChange(key, 5, change, 100)).toBeUndefined();
  // Well signed but malformed bodies are refused all the same.
  for (const body of ['null', '[]', '{"op":"lift"}', '{"op":"drop","id":"x"}', JSON.stringify({ op: 'restrict', restriction: { ...change.restriction, action: { kind: 'allow' } } }),
    JSON.stringify({ op: 'restrict', restriction: { ...change.restriction, scope: { tenants: 'acme' } } })]) {
    const sig = encodeChange(key, 5, JSON.parse(body) as never, 10_000)!.sig;
    expect(decodeChange(key, 5, JSON.stringify(JSON.parse(body)), sig)).toBeUndefined();
  }
});

it('counts only signed acks: whoever can write to the bus cannot confirm for a node', async () => {
  const { store, bus, a } = await setup();
  const key = Buffer.from((await store.getMeta(CHANGE_KEY_META))!, 'hex');
  // A live node that never applies anything; someone on the bus answers for it.
  const now = Date.now();
  await store.upsertNode({ id: 'node-x', region: 'eu-west', pid: null, host: null, startedAt: now, heartbeatAt: now, appliedVersion: 0, appliedAt: now, stoppedAt: null });
  const forge = bus.subscribe((m) => {
    if (m.t !== 'version') return;
    void bus.publish({ t: 'ack', node: 'node-x', version: m.version, to: 'node-a' });
    void bus.publish({ t: 'ack', node: 'node-x', version: m.version, to: 'node-a', sig: signAck(Buffer.alloc(32, 9), 'node-x', m.version) });
  });
  const r = restriction('rst_1', 'gpt-test');
  const { version } = await store.createRestriction(r, meta);
  const p = await a.agent.propagate(version, 400, { op: 'restrict', restriction: r });
  forge();
  expect(p.confirmed).toEqual(['node-a', 'node-b']);
  expect(p.missing).toEqual(['node-x']);
  // The real key makes an ack that counts, and only for the node and version it names.
  expect(signAck(key, 'node-x', version)).not.toBe(signAck(key, 'node-x', version + 1));
  expect(signAck(key, 'node-x', version)).not.toBe(signAck(key, 'node-b', version));
});
