/**
 * @module Bus over Redis pub/sub for cluster mode: under a configurable key prefix, one channel carries version notices
 * (and unaddressed acks) to every node, and each node has a channel of its own for the acks addressed to it, so an ack
 * wakes only the node waiting for it. Reconnects forever; while down it says unhealthy and drops what it cannot send,
 * because every node also polls the store (the safety net), and an admin call must never hang on a dead Redis.
 */
import { Redis } from 'ioredis';
import { MAX_CHANGE, type Ack, type Bus, type BusMessage } from './types.js';

export type RedisBusOptions = {
  readonly url: string;
  /** Prefix of every channel and key; lets several Wardens (or test runs) share one Redis. Default `warden:`. */
  readonly prefix?: string;
  /** How long `createRedisBus` waits for Redis before going on without it (the node then starts on polling). */
  readonly readyTimeoutMs?: number;
  /** Told when the link goes down (once per outage, not per reconnect attempt) and about undecodable messages. */
  readonly onError?: (err: unknown, what: string) => void;
};

const MAX_MESSAGE = MAX_CHANGE + 1024;
const NODE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const SIG = /^[0-9a-f]{64}$/;

/** Reads one message off a channel; anything malformed is ignored, never trusted. */
export function decodeBusMessage(raw: string): BusMessage | undefined {
  if (raw.length > MAX_MESSAGE) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (typeof m.version !== 'number' || !Number.isSafeInteger(m.version) || m.version < 0) return undefined;
  if (m.t === 'version') {
    const out: { t: 'version'; version: number; from?: string; change?: string; sig?: string } = { t: 'version', version: m.version };
    if (m.from !== undefined) {
      if (typeof m.from !== 'string' || !NODE_ID.test(m.from)) return undefined;
      out.from = m.from;
    }
    if (m.change !== undefined || m.sig !== undefined) {
      if (typeof m.change !== 'string' || m.change.length > MAX_CHANGE || typeof m.sig !== 'string' || !SIG.test(m.sig)) return undefined;
      out.change = m.change;
      out.sig = m.sig;
    }
    return out;
  }
  if (m.t === 'ack' && typeof m.node === 'string' && NODE_ID.test(m.node)) {
    const out: { -readonly [K in keyof Ack]: Ack[K] } = { t: 'ack', node: m.node, version: m.version };
    if (m.to !== undefined) {
      if (typeof m.to !== 'string' || !NODE_ID.test(m.to)) return undefined;
      out.to = m.to;
    }
    if (m.sig !== undefined) {
      if (typeof m.sig !== 'string' || !SIG.test(m.sig)) return undefined;
      out.sig = m.sig;
    }
    return out;
  }
  return undefined;
}

/** Connects (waiting at most `readyTimeoutMs`, default 2 s) and returns the bus, connected or still trying. */
export async function createRedisBus(opts: RedisBusOptions): Promise<RedisBus> {
  const bus = new RedisBus(opts);
  await bus.start(opts.readyTimeoutMs ?? 2_000);
  return bus;
}

export class RedisBus implements Bus {
  readonly channel: string;
  readonly #prefix: string;
  /** Channels of the nodes this bus answers for (see listenAs), besides the shared channel. */
  readonly #own = new Set<string>();
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #subs = new Set<(m: BusMessage) => void>();
  readonly #onError: RedisBusOptions['onError'];
  #subscribed = false;
  #wasHealthy = false;
  #closed = false;
  #dropped = 0;

  constructor(opts: RedisBusOptions) {
    this.#prefix = opts.prefix ?? 'warden:';
    this.channel = `${this.#prefix}bus`;
    this.#onError = opts.onError;
    const common = {
      lazyConnect: true,
      connectTimeout: 2_000,
      // Reconnect quickly and forever: the bus is the fast path; the store poll covers the gap meanwhile.
      retryStrategy: (times: number) => Math.min(50 * times, 500),
    };
    // Publisher: no offline queue, so a publish while Redis is down fails at once instead of waiting for it.
    this.#pub = new Redis(opts.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Subscriber: we subscribe ourselves on every 'ready', so `healthy()` knows when the subscription is really in place.
    this.#sub = new Redis(opts.url, { ...common, autoResubscribe: false, maxRetriesPerRequest: null });
    for (const [name, c] of [['publisher', this.#pub], ['subscriber', this.#sub]] as const) {
      c.on('error', (err: unknown) => this.#down(err, name));
      c.on('close', () => this.#down(undefined, name));
    }
    this.#sub.on('ready', () => {
      this.#sub.subscribe(this.channel, ...this.#own).then(() => {
        this.#subscribed = true;
        this.#wasHealthy = this.healthy();
      }, (err: unknown) => this.#onError?.(err, 'bus subscribe'));
    });
    this.#pub.on('ready', () => {
      this.#wasHealthy = this.healthy();
    });
    this.#sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel && !this.#own.has(channel)) return;
      const m = decodeBusMessage(raw);
      if (!m) {
        this.#onError?.(new Error('undecodable bus message ignored'), 'decode');
        return;
      }
      for (const fn of [...this.#subs]) fn(m);
    });
  }

  /** Starts connecting; resolves when subscribed and able to publish, or after `timeoutMs` (the bus keeps trying). */
  async start(timeoutMs: number): Promise<void> {
    this.#pub.connect().catch(() => undefined);
    this.#sub.connect().catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    while (!this.healthy() && Date.now() < deadline && !this.#closed) await new Promise((r) => setTimeout(r, 10));
    if (!this.healthy()) this.#onError?.(new Error(`Redis not reachable within ${timeoutMs} ms; relying on store polling until it is`), 'connect');
  }

  #down(err: unknown, what: string): void {
    if (what === 'subscriber') this.#subscribed = false;
    // One report per outage: ioredis emits an error on every reconnect attempt.
    if (this.#closed || !this.#wasHealthy) return;
    this.#wasHealthy = false;
    this.#onError?.(err ?? new Error('Redis connection closed'), `bus ${what}`);
  }

  #ackChannel(nodeId: string): string {
    return `${this.#prefix}ack:${nodeId}`;
  }

  async listenAs(nodeId: string): Promise<void> {
    const ch = this.#ackChannel(nodeId);
    if (this.#own.has(ch)) return;
    this.#own.add(ch);
    // Not connected yet: the 'ready' handler subscribes to it with the shared channel.
    if (this.#sub.status === 'ready') await this.#sub.subscribe(ch).catch((err: unknown) => this.#onError?.(err, 'bus subscribe'));
  }

  async publish(msg: BusMessage): Promise<void> {
    if (this.#closed || this.#pub.status !== 'ready') {
      this.#dropped++;
      return;
    }
    try {
      await this.#pub.publish(msg.t === 'ack' && msg.to !== undefined ? this.#ackChannel(msg.to) : this.channel, JSON.stringify(msg));
    } catch {
      // Best effort by design: nodes poll the store, and propagate() reads applied versions from it when unhealthy.
      this.#dropped++;
    }
  }

  subscribe(fn: (m: BusMessage) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  healthy(): boolean {
    return !this.#closed && this.#subscribed && this.#sub.status === 'ready' && this.#pub.status === 'ready';
  }

  /** Messages not sent because Redis was down (for metrics and tests). */
  get dropped(): number {
    return this.#dropped;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subs.clear();
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}
