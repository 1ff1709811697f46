/**
 * @module Per-key rate limits (requests per minute), decided in process memory: O(1) per request, bounded in size,
 * never waiting on the network. In cluster mode the nodes also share per-minute counts through `SharedCounters`
 * (Redis), exchanged in the background every `syncMs`: each node refuses once the cluster-wide estimate reaches the
 * limit. The overshoot is bounded by what all nodes admit within one exchange interval.
 */

type Bucket = { tokens: number; at: number; rpm: number };

/** Cluster-wide counts of one key: the current and the previous one-minute window. */
export type WindowCounts = { readonly cur: number; readonly prev: number };

/**
 * Counts every node shares (Redis in cluster mode). `exchange` adds this node's new requests per key to the window's
 * count and returns, per key, the cluster-wide counts; it rejects when the counters cannot be reached.
 */
export interface SharedCounters {
  exchange(window: number, deltas: ReadonlyMap<string, number>): Promise<ReadonlyMap<string, WindowCounts>>;
  healthy(): boolean;
  close(): Promise<void>;
}

/** What this node knows of a key's cluster-wide use. */
type Shared = { window: number; cur: number; prev: number; unsynced: number; inflight: number; lastUsed: number };

const WINDOW_MS = 60_000;
/** Keys unused for this long are forgotten (their windows have expired everywhere). */
const IDLE_MS = 2 * WINDOW_MS;

export type RateLimiterOptions = {
  /** This process's part of each key's rate when several worker processes serve one port (without shared counters). */
  readonly share?: number;
  readonly maxKeys?: number;
  readonly counters?: SharedCounters;
  /** How often counts are exchanged with the other nodes. Default 100 ms. */
  readonly syncMs?: number;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
};

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #shared = new Map<string, Shared>();
  readonly #share: number;
  readonly #maxKeys: number;
  readonly #counters: SharedCounters | undefined;
  readonly #now: () => number;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  #syncing = false;

  constructor(opts: RateLimiterOptions = {}) {
    this.#share = opts.share ?? 1;
    this.#maxKeys = opts.maxKeys ?? 100_000;
    this.#counters = opts.counters;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError;
    if (this.#counters) {
      this.#timer = setInterval(() => void this.sync(), opts.syncMs ?? 100);
      this.#timer.unref();
    }
  }

  /** Takes one request; returns 0 when allowed, else the milliseconds until one would be. */
  take(keyId: string, rpm: number, now: number): number {
    const wait = this.#takeLocal(keyId, rpm, now);
    if (wait > 0 || !this.#counters?.healthy()) return wait;
    const sharedWait = this.#takeShared(keyId, rpm, now);
    if (sharedWait > 0) {
      const b = this.#buckets.get(keyId);
      if (b) b.tokens += 1; // not used after all
    }
    return sharedWait;
  }

  /** A token bucket per key: smooths bursts on this node (and is the whole limit when counters are down). */
  #takeLocal(keyId: string, rpm: number, now: number): number {
    const rate = Math.max(rpm * (this.#counters ? 1 : this.#share), 1);
    let b = this.#buckets.get(keyId);
    if (!b || b.rpm !== rpm) {
      if (!b && this.#buckets.size >= this.#maxKeys) this.#buckets.clear();
      b = { tokens: rate, at: now, rpm };
      this.#buckets.set(keyId, b);
    } else {
      b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / WINDOW_MS);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * WINDOW_MS) / rate);
  }

  /** Sliding-window estimate over the cluster: the previous minute weighted by what is left of it, plus this one. */
  #takeShared(keyId: string, rpm: number, now: number): number {
    const w = Math.floor(now / WINDOW_MS);
    let s = this.#shared.get(keyId);
    if (!s) {
      if (this.#shared.size >= this.#maxKeys) return 0; // bounded memory: beyond it only the local bucket applies
      s = { window: w, cur: 0, prev: 0, unsynced: 0, inflight: 0, lastUsed: now };
      this.#shared.set(keyId, s);
    } else if (s.window !== w) {
      // The minute rolled over before the next exchange: what we knew becomes the previous window.
      s.prev = w === s.window + 1 ? s.cur + s.unsynced + s.inflight : 0;
      s.cur = 0;
      s.window = w;
    }
    s.lastUsed = now;
    const left = 1 - (now - w * WINDOW_MS) / WINDOW_MS;
    const estimate = s.prev * left + s.cur + s.unsynced + s.inflight;
    if (estimate + 1 <= rpm) {
      s.unsynced += 1;
      return 0;
    }
    const excess = estimate + 1 - rpm;
    const toWindowEnd = Math.ceil(left * WINDOW_MS);
    // The previous window's share decays at prev/WINDOW_MS per millisecond; nothing else frees room before the minute ends.
    return Math.max(1, s.prev > 0 ? Math.min(toWindowEnd, Math.ceil((excess / s.prev) * WINDOW_MS)) : toWindowEnd);
  }

  /** One exchange with the other nodes: sends what this node admitted since the last one, takes the cluster's counts. */
  async sync(): Promise<void> {
    const counters = this.#counters;
    if (!counters || this.#syncing || this.#shared.size === 0 || !counters.healthy()) return;
    this.#syncing = true;
    const now = this.#now();
    const w = Math.floor(now / WINDOW_MS);
    const sent = new Map<string, Shared>();
    const deltas = new Map<string, number>();
    for (const [id, s] of this.#shared) {
      if (now - s.lastUsed > IDLE_MS) {
        this.#shared.delete(id);
        continue;
      }
      s.inflight = s.unsynced;
      s.unsynced = 0;
      sent.set(id, s);
      deltas.set(id, s.inflight);
    }
    try {
      const counts = await counters.exchange(w, deltas);
      for (const [id, s] of sent) {
        const c = counts.get(id);
        if (c && s.window <= w) {
          s.window = w;
          s.cur = c.cur;
          s.prev = c.prev;
        }
        s.inflight = 0;
      }
    } catch (err) {
      for (const s of sent.values()) {
        s.unsynced += s.inflight;
        s.inflight = 0;
      }
      this.#onError?.(err);
    } finally {
      this.#syncing = false;
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#counters?.close();
  }
}
