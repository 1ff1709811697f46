/**
 * @module Rate-limit counts shared by the nodes of a cluster, in Redis: one counter per key and minute
 * (`<prefix>rl:<keyId>:<minute>`), expiring after two minutes. Each node sends what it admitted and reads the totals
 * in one pipelined round trip (see RateLimiter in src/gateway/rate-limit.ts); requests never wait on it.
 */
import { Redis } from 'ioredis';

export type RedisCountersOptions = {
  readonly url: string;
  readonly prefix?: string;
  readonly onError?: (err: unknown, what: string) => void;
};

const KEY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Keys per exchange: a bound on one round trip's size (the rest wait for the next exchange). */
const MAX_KEYS = 5_000;

export class RedisCounters {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(opts: RedisCountersOptions) {
    this.#prefix = `${opts.prefix ?? 'warden:'}rl:`;
    // No offline queue: while Redis is down an exchange fails at once and the nodes limit on their own.
    this.#redis = new Redis(opts.url, {
      lazyConnect: true, connectTimeout: 2_000, enableOfflineQueue: false, maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(50 * times, 1_000),
    });
    this.#redis.on('error', () => undefined); // reported by the rate limiter when an exchange fails
    this.#redis.connect().catch((err: unknown) => opts.onError?.(err, 'rate-limit counters connect'));
  }

  healthy(): boolean {
    return this.#redis.status === 'ready';
  }

  async exchange(window: number, deltas: ReadonlyMap<string, number>): Promise<ReadonlyMap<string, { cur: number; prev: number }>> {
    const ids: string[] = [];
    const p = this.#redis.pipeline();
    for (const [id, delta] of deltas) {
      if (ids.length >= MAX_KEYS) break;
      if (!KEY_ID.test(id)) continue;
      ids.push(id);
      const cur = `${this.#prefix}${id}:${window}`;
      p.incrby(cur, Math.max(0, Math.floor(delta)));
      p.pexpire(cur, 150_000);
      p.get(`${this.#prefix}${id}:${window - 1}`);
    }
    const out = new Map<string, { cur: number; prev: number }>();
    if (ids.length === 0) return out;
    const res = await p.exec();
    if (!res) throw new Error('rate-limit counters: pipeline discarded');
    ids.forEach((id, i) => {
      const [errCur, cur] = res[i * 3] ?? [];
      const [errPrev, prev] = res[i * 3 + 2] ?? [];
      if (errCur || errPrev) return;
      out.set(id, { cur: Number(cur) || 0, prev: Number(prev) || 0 });
    });
    return out;
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
