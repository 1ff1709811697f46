/** @module Cluster settings of the config loader: bus URL and prefix, node id; and the node ids serve derives from them. */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeIdFor } from '../cli/serve.js';
import { loadConfig } from './load-config.js';

describe('cluster configuration', () => {
  it('takes the Redis bus from --bus with the default prefix, or WARDEN_BUS_PREFIX', () => {
    const c = loadConfig({ store: 'postgres://pg/x', bus: 'redis://127.0.0.1:6379' }, {});
    expect(c.bus?.url.reveal()).toBe('redis://127.0.0.1:6379');
    expect(c.bus?.prefix).toBe('warden:');
    expect(loadConfig({ bus: 'redis://r' }, { WARDEN_BUS_PREFIX: 'team-a:' }).bus?.prefix).toBe('team-a:');
  });

  it('allows a Redis bus in embedded mode too, and has none unless asked', () => {
    expect(loadConfig({ bus: 'rediss://r:6380' }, {}).bus?.kind).toBe('redis');
    expect(loadConfig({}, {}).bus).toBeUndefined();
  });

  it('rejects a bus that is not Redis and a prefix or node id with odd characters', () => {
    expect(() => loadConfig({ bus: 'nats://x' }, {})).toThrow(/redis:\/\//);
    expect(() => loadConfig({ bus: 'redis://x' }, { WARDEN_BUS_PREFIX: 'a b' })).toThrow(/WARDEN_BUS_PREFIX/);
    expect(() => loadConfig({}, { WARDEN_NODE_ID: 'eu/1' })).toThrow(/node-id/);
  });

  it('gives every cluster process on one host its own stable id, and keeps a given node id across restarts', () => {
    const cluster = loadConfig({ store: 'postgres://pg/x', port: 9001 }, {});
    expect(nodeIdFor(cluster, undefined)).toBe(`${hostname()}-9001-w0`);
    expect(nodeIdFor(loadConfig({ store: 'postgres://pg/x', port: 9002 }, {}), undefined)).toBe(`${hostname()}-9002-w0`);
    const named = loadConfig({ store: 'postgres://pg/x', port: 9001 }, { WARDEN_NODE_ID: 'eu-west-7' });
    expect(nodeIdFor(named, undefined)).toBe('eu-west-7');
    expect(nodeIdFor(named, 3)).toBe('eu-west-7-w3');
    // Embedded mode keeps its historical ids.
    expect(nodeIdFor(loadConfig({}, {}), 2)).toBe(`${hostname()}-w2`);
  });
});
