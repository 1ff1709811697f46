/** @module The node's audit log: a bounded queue, drained in batches off the response path into the node's hash chain. */
import type { AuditBackend, RetentionRecord } from './backend.js';
import { ChainWriter, type Prepared, type TailProblem } from './chain-writer.js';
import type { CheckpointReason } from './checkpoint.js';
import { eventId, type AuditEventInput, type SystemEventInput } from './event.js';
import { loadAuditSecrets, type AuditSecrets } from './keys.js';
import { PayloadEncoder } from './payload.js';
import { pruneChain } from './retention.js';

export type AuditClock = (() => number) | { now(): number };

export type AuditLogOptions = {
  readonly backend: AuditBackend;
  /** This node's stable id; also its chain id. */
  readonly nodeId: string;
  readonly clock?: AuditClock;
  /** Sign a checkpoint after this many events (default 4096). */
  readonly checkpointEvery?: number;
  /** ...or after this long with unsigned events (default 5000 ms). */
  readonly checkpointMs?: number;
  /** Events waiting to be written before the full-queue policy applies (default 100,000). */
  readonly queueLimit?: number;
  /** 'refuse' (default): record() returns false so the caller refuses the request; 'drop': the event is counted and lost. */
  readonly onFull?: 'refuse' | 'drop';
  /** Events per transaction (default 4096). */
  readonly maxBatch?: number;
  /** Keys; default: loaded or created in `backend.dataDir`. */
  readonly secrets?: AuditSecrets;
  /** Called on write failures (the batch stays queued and is retried). */
  readonly onError?: (err: unknown) => void;
};

export type AuditStats = {
  readonly nodeId: string;
  readonly queued: number;
  readonly written: number;
  readonly batches: number;
  /** Events refused (policy 'refuse') or dropped (policy 'drop') because the queue was full. */
  readonly refused: number;
  readonly dropped: number;
  readonly writeErrors: number;
  readonly checkpoints: number;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly lastCheckpointSize: number;
  readonly tailProblem: TailProblem | undefined;
  readonly lastError: string | undefined;
};

export type EventRef = { readonly chain: string; readonly seq: number; readonly id: string };

export type AuditLog = {
  readonly nodeId: string;
  /** Queues an event; synchronous and O(1). False only when the queue is full under policy 'refuse': refuse the request (503 GW_AUDIT_OVERLOADED). */
  record(event: AuditEventInput): boolean;
  /** Queues past the limit and resolves once the event is committed: for control-plane changes. */
  recordAndFlush(event: AuditEventInput): Promise<EventRef>;
  /** Resolves when everything queued before the call is committed. */
  flush(): Promise<void>;
  /** Writes pending events and signs a checkpoint now (if anything is unsigned). */
  checkpoint(): Promise<void>;
  /** Prunes events older than `olderThanMs` through a recorded, signed retention event. */
  prune(opts: { readonly olderThanMs: number; readonly actor: string }): Promise<RetentionRecord | undefined>;
  /** Resolves once the chain is loaded (writes wait for it anyway). */
  ready(): Promise<void>;
  /** Flushes, signs a final checkpoint and stops the timer. The backend stays open (its owner closes it). */
  close(): Promise<void>;
  stats(): AuditStats;
};

type Item = {
  readonly input: AuditEventInput | SystemEventInput;
  readonly now: number;
  readonly done?: (ref: EventRef) => void;
  readonly fail?: (err: unknown) => void;
};

/** Longest an event waits in memory before its batch is written, when no flush asks for it sooner. */
const DRAIN_DELAY_MS = 10;

type Waiter = { readonly target: number; readonly resolve: () => void; readonly reject: (e: unknown) => void };

export function createAuditLog(opts: AuditLogOptions): AuditLog {
  return new QueuedAuditLog(opts);
}

class QueuedAuditLog implements AuditLog {
  readonly nodeId: string;
  readonly #now: () => number;
  readonly #backend: AuditBackend;
  readonly #secrets: AuditSecrets;
  readonly #writer: ChainWriter;
  readonly #encoder: PayloadEncoder;
  readonly #every: number;
  readonly #limit: number;
  readonly #maxBatch: number;
  readonly #onFull: 'refuse' | 'drop';
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #ready: Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #queue: Item[] = [];
  #enqueued = 0;
  #written = 0;
  #batches = 0;
  #refused = 0;
  #dropped = 0;
  #writeErrors = 0;
  #checkpoints = 0;
  #lastError: string | undefined;
  #scheduled = false;
  #delayTimer: NodeJS.Timeout | undefined;
  #writing = false;
  #closed = false;
  #force: CheckpointReason | undefined;
  #waiters: Waiter[] = [];

  constructor(o: AuditLogOptions) {
    this.nodeId = o.nodeId;
    const clock = o.clock ?? Date.now;
    this.#now = typeof clock === 'function' ? clock : () => clock.now();
    this.#backend = o.backend;
    this.#secrets = o.secrets ?? loadAuditSecrets(o.backend.dataDir, o.nodeId);
    this.#writer = new ChainWriter(o.backend, o.nodeId, this.#secrets.signer);
    this.#encoder = new PayloadEncoder(o.nodeId, this.#secrets.hmacKey);
    this.#every = Math.max(1, o.checkpointEvery ?? 4096);
    this.#limit = Math.max(1, o.queueLimit ?? 100_000);
    this.#maxBatch = Math.max(1, o.maxBatch ?? 4096);
    this.#onFull = o.onFull ?? 'refuse';
    this.#onError = o.onError;
    this.#ready = this.#writer.open(this.#now()).then((problem) => {
      const detail = { resumedFrom: this.#writer.head.seq, ...(problem ? { tailProblem: problem } : {}) };
      this.#push({ input: { kind: 'audit', action: problem ? 'chain.tail_mismatch' : 'chain.open', actor: 'system', detail }, now: this.#now() });
    });
    // A rejected open must not crash the process; it surfaces through flush() and stats().
    this.#ready.catch((err: unknown) => this.#fail(err));
    const ms = Math.max(10, o.checkpointMs ?? 5_000);
    this.#timer = setInterval(() => {
      if (this.#writer.sinceCheckpoint > 0 || this.#queue.length > 0) this.#kick('periodic');
    }, ms);
    this.#timer.unref();
  }

  record(event: AuditEventInput): boolean {
    if (this.#closed) return false;
    if (this.#queue.length >= this.#limit) {
      if (this.#onFull === 'drop') {
        this.#dropped++;
        return true;
      }
      this.#refused++;
      return false;
    }
    this.#push({ input: event, now: this.#now() });
    return true;
  }

  recordAndFlush(event: AuditEventInput): Promise<EventRef> {
    if (this.#closed) return Promise.reject(new Error('audit log is closed'));
    return new Promise((done, fail) => this.#push({ input: event, now: this.#now(), done, fail }));
  }

  flush(): Promise<void> {
    if (this.#written >= this.#enqueued) return this.#ready;
    return new Promise((resolve, reject) => {
      this.#waiters.push({ target: this.#enqueued, resolve, reject });
      this.#schedule();
    });
  }

  checkpoint(): Promise<void> {
    return this.#seal('seal');
  }

  async #seal(reason: CheckpointReason): Promise<void> {
    await this.#ready;
    this.#kick(reason);
    await this.flush();
    await this.#idle();
  }

  async prune(o: { readonly olderThanMs: number; readonly actor: string }): Promise<RetentionRecord | undefined> {
    await this.checkpoint();
    return pruneChain(this.#backend, this.#writer.chain, this.#now() - o.olderThanMs, o.actor, {
      recordAndFlush: (input) => new Promise((done, fail) => this.#push({ input, now: this.#now(), done, fail })),
      checkpoint: () => this.#seal('retention'),
    }, this.#now);
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    await this.#ready.catch(() => undefined);
    this.#kick('close');
    this.#closed = true;
    await this.flush();
    await this.#idle();
  }

  stats(): AuditStats {
    return {
      nodeId: this.nodeId, queued: this.#queue.length, written: this.#written, batches: this.#batches, refused: this.#refused,
      dropped: this.#dropped, writeErrors: this.#writeErrors, checkpoints: this.#checkpoints, head: this.#writer.head,
      lastCheckpointSize: this.#writer.lastCheckpoint.size, tailProblem: this.#writer.tailProblem, lastError: this.#lastError,
    };
  }

  #push(item: Item): void {
    this.#queue.push(item);
    this.#enqueued++;
    this.#schedule();
  }

  #kick(reason: CheckpointReason): void {
    if (this.#force === undefined || reason !== 'periodic') this.#force = reason;
    this.#schedule();
  }

  #schedule(): void {
    // Off the request path, and gathered: waiting a few milliseconds turns one transaction per request into one
    // per batch (the cost at low concurrency); a full batch, a forced checkpoint or someone waiting goes at once.
    const urgent = this.#queue.length >= this.#maxBatch || this.#force !== undefined || this.#waiters.length > 0 ||
      this.#queue[this.#queue.length - 1]?.done !== undefined;
    if (this.#writing) return;
    if (this.#scheduled) {
      if (!urgent || this.#delayTimer === undefined) return;
      clearTimeout(this.#delayTimer);
    }
    this.#scheduled = true;
    this.#delayTimer = undefined;
    if (urgent) setImmediate(() => void this.#drain());
    else this.#delayTimer = setTimeout(() => void this.#drain(), DRAIN_DELAY_MS);
  }

  async #idle(): Promise<void> {
    while (this.#writing || this.#scheduled || this.#force !== undefined) {
      if (this.#lastError !== undefined && !this.#writing) throw new Error(`audit log: ${this.#lastError}`);
      await new Promise((r) => setImmediate(r));
    }
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    this.#delayTimer = undefined;
    if (this.#writing) return;
    this.#writing = true;
    let batch: Item[] = [];
    let failed = false;
    try {
      await this.#ready;
      while (this.#queue.length > 0 || this.#force !== undefined) {
        batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
        this.#queue = this.#queue.length <= this.#maxBatch ? [] : this.#queue.slice(this.#maxBatch);
        const prepared = new Array<Prepared>(batch.length);
        for (let i = 0; i < batch.length; i++) {
          const it = batch[i] as Item;
          prepared[i] = this.#encoder.encode(it.input, it.now);
        }
        const lastBatch = this.#queue.length === 0;
        const forced = this.#force;
        const due = this.#writer.sinceCheckpoint + batch.length >= this.#every;
        const reason = lastBatch && forced ? forced : due ? 'periodic' : undefined;
        const before = this.#writer.lastCheckpoint.size;
        const rows = await this.#writer.append(prepared, reason, this.#now());
        if (lastBatch && this.#force === forced) this.#force = undefined;
        if (this.#writer.lastCheckpoint.size !== before) this.#checkpoints++;
        this.#written += batch.length;
        this.#batches++;
        for (let i = 0; i < batch.length; i++) {
          const done = batch[i]?.done;
          const row = rows[i];
          if (done && row) done({ chain: row.chain, seq: row.seq, id: eventId(row.chain, row.seq) });
        }
        batch = [];
        this.#settleWaiters();
        // Yield between batches so a backlog never holds the event loop for long.
        if (this.#queue.length > 0) await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      // Nothing of the failed batch was committed: put it back in front and retry later.
      failed = true;
      this.#queue = batch.concat(this.#queue);
      this.#writeErrors++;
      this.#fail(err);
      setTimeout(() => this.#schedule(), 200).unref();
    } finally {
      this.#writing = false;
    }
    if (!failed && (this.#queue.length > 0 || this.#force !== undefined)) this.#schedule();
  }

  #settleWaiters(): void {
    this.#lastError = undefined;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= this.#written) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  #fail(err: unknown): void {
    this.#lastError = err instanceof Error ? err.message : String(err);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
    // Their callers learn of the failure now; the events stay queued and are written once the store recovers.
    for (const it of this.#queue) it.fail?.(err);
    this.#onError?.(err);
  }
}
