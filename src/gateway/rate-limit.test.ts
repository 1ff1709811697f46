import { describe, expect, it } from 'vitest';
import { RateLimiter, type SharedCounters, type WindowCounts } from './rate-limit.js';

/** What Redis does for RedisCounters, in memory: one count per key and minute, shared by every limiter given it. */
function memoryCounters(): SharedCounters & { up: boolean; failNext: boolean } {
  const counts = new Map<string, number>();
  const c = {
    up: true,
    failNext: false,
    healthy: () => c.up,
    async exchange(window: number, deltas: ReadonlyMap<string, number>): Promise<ReadonlyMap<string, WindowCounts>> {
      if (!c.up || c.failNext) {
        c.failNext = false;
        throw new Error('lost');
      }
      const out = new Map<string, WindowCounts>();
      for (const [id, d] of deltas) {
        const cur = (counts.get(`${id}:${window}`) ?? 0) + d;
        counts.set(`${id}:${window}`, cur);
        out.set(id, { cur, prev: counts.get(`${id}:${window - 1}`) ?? 0 });
      }
      return out;
    },
    close: async () => undefined,
  };
  return c;
}

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000); // the start of a minute

describe('RateLimiter', () => {
  it('alone: admits rpm requests in a burst, then says how long to wait', () => {
    const rl = new RateLimiter();
    const admitted = Array.from({ length: 15 }, () => rl.take('k', 10, T0)).filter((w) => w === 0).length;
    expect(admitted).toBe(10);
    expect(rl.take('k', 10, T0)).toBe(6_000);
  });

  it('with shared counts, three nodes together admit the key\'s limit, not three times it', async () => {
    const counters = memoryCounters();
    let now = T0;
    const nodes = [0, 1, 2].map(() => new RateLimiter({ counters, now: () => now, syncMs: 3_600_000 }));
    let admitted = 0;
    for (let i = 0; i < 90; i++) {
      now = T0 + i * 100;
      if (nodes[i % 3]!.take('k', 30, now) === 0) admitted++;
      if (i % 3 === 2) for (const n of nodes) await n.sync();
    }
    // Each node may admit one more before the next exchange tells it the limit is reached: at most nodes - 1 over.
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(32);
    for (const n of nodes) await n.close();
  });

  it('frees room as the previous minute slides away, and limits per node again while the counters are down', async () => {
    const counters = memoryCounters();
    let now = T0;
    const a = new RateLimiter({ counters, now: () => now, syncMs: 3_600_000 });
    const b = new RateLimiter({ counters, now: () => now, syncMs: 3_600_000 });
    for (let i = 0; i < 6; i++) a.take('k', 6, now);
    await a.sync();
    expect(b.take('k', 6, now)).toBe(0); // b has not heard of k yet: its first request goes through
    await b.sync();
    expect(b.take('k', 6, now)).toBeGreaterThan(0); // the cluster has used k up (7 of 6)
    now = T0 + 60_000 + 30_000; // half of the previous minute is left: 7 * 0.5 = 3.5 still count
    await b.sync();
    const admitted = Array.from({ length: 6 }, () => b.take('k', 6, now)).filter((w) => w === 0).length;
    expect(admitted).toBe(2);

    counters.up = false;
    now = T0 + 10 * 60_000;
    const alone = Array.from({ length: 10 }, () => a.take('k', 6, now)).filter((w) => w === 0).length;
    expect(alone).toBe(6); // the local bucket still applies
    await a.close();
    await b.close();
  });

  it('keeps what an exchange failed to send for the next one', async () => {
    const counters = memoryCounters();
    const now = T0;
    const a = new RateLimiter({ counters, now: () => now, syncMs: 3_600_000 });
    const b = new RateLimiter({ counters, now: () => now, syncMs: 3_600_000 });
    for (let i = 0; i < 4; i++) expect(a.take('k', 8, now)).toBe(0);
    counters.failNext = true;
    await a.sync(); // lost on the way
    await a.sync(); // sent again
    expect(b.take('k', 8, now)).toBe(0);
    await b.sync();
    const admitted = Array.from({ length: 8 }, () => b.take('k', 8, now)).filter((w) => w === 0).length;
    expect(admitted).toBe(3); // 4 + 1 + 3 = 8
    await a.close();
    await b.close();
  });
});
