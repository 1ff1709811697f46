/** @module Per-key token buckets (requests per minute), in process memory; O(1) per request, bounded in size. */

type Bucket = { tokens: number; at: number; rpm: number };

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #share: number;
  readonly #maxKeys: number;

  /** `share`: this process's part of each key's rate when several worker processes serve one port. */
  constructor(opts: { share?: number; maxKeys?: number } = {}) {
    this.#share = opts.share ?? 1;
    this.#maxKeys = opts.maxKeys ?? 100_000;
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until a token is available. */
  take(keyId: string, rpm: number, now: number): number {
    const rate = Math.max(rpm * this.#share, 1);
    let b = this.#buckets.get(keyId);
    if (!b || b.rpm !== rpm) {
      if (!b && this.#buckets.size >= this.#maxKeys) this.#buckets.clear();
      b = { tokens: rate, at: now, rpm };
      this.#buckets.set(keyId, b);
    } else {
      b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / 60_000);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 60_000) / rate);
  }
}
