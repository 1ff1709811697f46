/** @module The node's audit log: a bounded queue, drained in batches off the response path into the node's hash chain. */
import type { AuditBackend, RetentionRecord } from './backend.js';
import { InlineSink, type ChainSink } from './chain-sink.js';
import type { BatchResult, Prepared, TailProblem } from './chain-writer.js';
import type { CheckpointReason } from './checkpoint.js';
import { eventId, type AuditEventInput, type SystemEventInput } from './event.js';
import { loadAuditSecrets, loadHmacKey, type AuditSecrets } from './keys.js';
import { PayloadEncoder } from './payload.js';
import { pruneChain } from './retention.js';
import { ThreadSink } from './thread-sink.js';

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
  /** Keys; default: loaded or created in `backend.dataDir`. Given keys keep the writes on this thread (the signer cannot cross to another). */
  readonly secrets?: AuditSecrets;
  /**
   * 'worker' (default when the backend can be reopened, see AuditBackend.threadSpec): links, hashes, signs and
   * commits on a writer thread with its own store connection. 'inline': all on the calling thread.
   */
  readonly writer?: 'worker' | 'inline';
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

/** A batch handed to the sink and not yet acknowledged. */
type InFlight = { readonly items: Item[]; readonly forced: CheckpointReason | undefined; abandoned: boolean };

/**
 * How events gather into batches when nobody waits for them (no flush, forced checkpoint or full batch). Busy (the
 * last batch held GATHER_EVENTS or more), a batch goes GATHER_MIN_MS after its first event, as it always did. Sparse
 * (the last batch was smaller: under ~800 events/s), it goes once GATHER_EVENTS are queued or once its first event has
 * waited GATHER_MAX_MS: at a few requests a second the 10 ms timer made one transaction and one wake-up of the process
 * per request (~0.3 ms of CPU each at 45 requests/s, bench/README.md). A crash loses what is queued, so up to
 * GATHER_MAX_MS of events when sparse (docs/architecture.md).
 */
const GATHER_EVENTS = 8;
const GATHER_MIN_MS = 10;
const GATHER_MAX_MS = 100;

type Waiter = { readonly target: number; readonly resolve: () => void; readonly reject: (e: unknown) => void };

export function createAuditLog(opts: AuditLogOptions): AuditLog {
  return new QueuedAuditLog(opts);
}

function makeSink(o: AuditLogOptions, every: number): { sink: ChainSink; hmacKey: Buffer } {
  const spec = o.writer === 'inline' || o.secrets !== undefined ? undefined : o.backend.threadSpec?.('write');
  if (spec) return { sink: new ThreadSink(spec, o.nodeId, o.backend.dataDir, every), hmacKey: loadHmacKey(o.backend.dataDir) };
  const secrets = o.secrets ?? loadAuditSecrets(o.backend.dataDir, o.nodeId);
  return { sink: new InlineSink(o.backend, o.nodeId, secrets.signer, every), hmacKey: secrets.hmacKey };
}

class QueuedAuditLog implements AuditLog {
  readonly nodeId: string;
  readonly #now: () => number;
  readonly #backend: AuditBackend;
  readonly #sink: ChainSink;
  readonly #encoder: PayloadEncoder;
  readonly #limit: number;
  readonly #maxBatch: number;
  readonly #onFull: 'refuse' | 'drop';
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #ready: Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #opened = false;
  #openFailed = false;
  #queue: Item[] = [];
  #inflight: InFlight[] = [];
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
  /** performance.now() when the oldest event still queued was queued (for the gathering window). */
  #oldestAt = 0;
  /** The last batch was smaller than GATHER_EVENTS: gather up to GATHER_MAX_MS. */
  #sparse = false;
  /** Set after a write failure until the retry: nothing is handed over meanwhile. */
  #backoff = false;
  #closed = false;
  #force: CheckpointReason | undefined;
  /** The forced reason carried by the newest batch handed over, so an empty forced batch is not sent twice. */
  #forceSent: CheckpointReason | undefined;
  #waiters: Waiter[] = [];

  constructor(o: AuditLogOptions) {
    this.nodeId = o.nodeId;
    const clock = o.clock ?? Date.now;
    this.#now = typeof clock === 'function' ? clock : () => clock.now();
    this.#backend = o.backend;
    const { sink, hmacKey } = makeSink(o, Math.max(1, o.checkpointEvery ?? 4096));
    this.#sink = sink;
    this.#encoder = new PayloadEncoder(o.nodeId, hmacKey);
    this.#limit = Math.max(1, o.queueLimit ?? 100_000);
    this.#maxBatch = Math.max(1, o.maxBatch ?? 4096);
    this.#onFull = o.onFull ?? 'refuse';
    this.#onError = o.onError;
    this.#ready = this.#sink.open(this.#now()).then((problem) => {
      this.#opened = true;
      const detail = { resumedFrom: this.#sink.state.head.seq, ...(problem ? { tailProblem: problem } : {}) };
      this.#push({ input: { kind: 'audit', action: problem ? 'chain.tail_mismatch' : 'chain.open', actor: 'system', detail }, now: this.#now() });
    });
    // A rejected open must not crash the process; it surfaces through flush() and stats().
    this.#ready.catch((err: unknown) => {
      this.#openFailed = true;
      this.#fail(err);
    });
    const ms = Math.max(10, o.checkpointMs ?? 5_000);
    this.#timer = setInterval(() => {
      const st = this.#sink.state;
      if (st.head.seq > st.lastCheckpoint.size || this.#queue.length > 0) this.#kick('periodic');
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
    // A chain that never opened writes nothing: say so now rather than leave the caller waiting.
    if (this.#openFailed) return this.#ready.then(() => Promise.reject(new Error('audit log did not open')));
    return new Promise((done, fail) => this.#push({ input: event, now: this.#now(), done, fail }));
  }

  flush(): Promise<void> {
    if (this.#written >= this.#enqueued || this.#openFailed) return this.#ready;
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
    return pruneChain(this.#backend, this.nodeId, this.#now() - o.olderThanMs, o.actor, {
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
    const opened = await this.#ready.then(() => true, () => false);
    this.#closed = true;
    try {
      if (!opened) await this.#ready;
      this.#kick('close');
      await this.flush();
      await this.#idle();
    } finally {
      await this.#sink.close();
    }
  }

  stats(): AuditStats {
    const st = this.#sink.state;
    return {
      nodeId: this.nodeId, queued: this.#queue.length, written: this.#written, batches: this.#batches, refused: this.#refused,
      dropped: this.#dropped, writeErrors: this.#writeErrors, checkpoints: this.#checkpoints, head: st.head,
      lastCheckpointSize: st.lastCheckpoint.size, tailProblem: st.tailProblem, lastError: this.#lastError,
    };
  }

  #push(item: Item): void {
    if (this.#queue.length === 0) this.#oldestAt = performance.now();
    this.#queue.push(item);
    this.#enqueued++;
    this.#schedule();
  }

  #kick(reason: CheckpointReason): void {
    if (this.#force === undefined || reason !== 'periodic') this.#force = reason;
    this.#schedule();
  }

  /** Work the sink can take now: queued events, or a forced checkpoint not yet handed over. */
  #hasWork(): boolean {
    return this.#queue.length > 0 || (this.#force !== undefined && this.#force !== this.#forceSent);
  }

  #schedule(): void {
    // Off the request path, and gathered (see GATHER_EVENTS): one transaction per batch, not per request; a full
    // batch, a forced checkpoint or someone waiting goes at once.
    if (this.#backoff || this.#inflight.length >= this.#sink.depth || !this.#hasWork()) return;
    const n = this.#queue.length;
    const urgent = n >= this.#maxBatch || this.#force !== undefined || this.#waiters.length > 0 ||
      this.#queue[n - 1]?.done !== undefined || (this.#sparse && n >= GATHER_EVENTS);
    if (this.#scheduled) {
      if (!urgent || this.#delayTimer === undefined) return;
      clearTimeout(this.#delayTimer);
    }
    this.#scheduled = true;
    this.#delayTimer = undefined;
    if (urgent) setImmediate(() => this.#dispatch());
    else {
      // From the oldest event: events requeued after a failure or left behind a full batch have waited already.
      // Whole milliseconds: node keeps one timer list per distinct delay.
      const wait = Math.ceil((this.#sparse ? GATHER_MAX_MS : GATHER_MIN_MS) - (performance.now() - this.#oldestAt));
      this.#delayTimer = setTimeout(() => this.#dispatch(), Math.max(0, wait));
    }
  }

  /**
   * Waits out batches in flight or about to go, and the forced checkpoint. Not events still gathering on their timer
   * (recorded after the flush that came before): polling every turn for up to GATHER_MAX_MS would spin the loop.
   */
  async #idle(): Promise<void> {
    while (this.#inflight.length > 0 || (this.#scheduled && this.#delayTimer === undefined) || this.#force !== undefined || this.#backoff) {
      if (this.#lastError !== undefined && this.#inflight.length === 0) throw new Error(`audit log: ${this.#lastError}`);
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Encodes one batch and hands it to the sink; one per event-loop turn, so a backlog never holds the loop
   * for long. Up to `sink.depth` batches are in flight: the writer thread works on one while this thread
   * encodes the next.
   */
  #dispatch(): void {
    this.#scheduled = false;
    this.#delayTimer = undefined;
    if (!this.#opened || this.#backoff || this.#inflight.length >= this.#sink.depth || !this.#hasWork()) return;
    const items = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
    this.#sparse = items.length < GATHER_EVENTS;
    this.#queue = this.#queue.length <= this.#maxBatch ? [] : this.#queue.slice(this.#maxBatch);
    const prepared = new Array<Prepared>(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as Item;
      prepared[i] = this.#encoder.encode(it.input, it.now);
    }
    const forced = this.#queue.length === 0 ? this.#force : undefined;
    if (forced !== undefined) this.#forceSent = forced;
    const batch: InFlight = { items, forced, abandoned: false };
    this.#inflight.push(batch);
    this.#sink.append(prepared, forced, this.#now()).then((r) => this.#committed(batch, r), (err: unknown) => this.#failed(batch, err));
    this.#schedule();
  }

  #committed(batch: InFlight, r: BatchResult): void {
    if (batch.abandoned) return;
    this.#inflight.shift();
    if (batch.forced !== undefined) {
      if (this.#force === batch.forced) this.#force = undefined;
      if (this.#forceSent === batch.forced) this.#forceSent = undefined;
    }
    if (r.checkpointed) this.#checkpoints++;
    this.#written += batch.items.length;
    this.#batches++;
    for (let i = 0; i < batch.items.length; i++) {
      const done = batch.items[i]?.done;
      if (done) done({ chain: this.nodeId, seq: r.firstSeq + i, id: eventId(this.nodeId, r.firstSeq + i) });
    }
    this.#settleWaiters();
    this.#schedule();
  }

  #failed(batch: InFlight, err: unknown): void {
    if (batch.abandoned) return;
    // Nothing of the failed batch, nor of those handed over after it, was committed: put them all back in
    // front, in order, and retry later.
    const all = this.#inflight;
    this.#inflight = [];
    for (const b of all) b.abandoned = true;
    this.#queue = all.flatMap((b) => b.items).concat(this.#queue);
    this.#oldestAt = Number.NEGATIVE_INFINITY;
    this.#forceSent = undefined;
    this.#writeErrors++;
    this.#backoff = true;
    this.#fail(err);
    setTimeout(() => {
      this.#backoff = false;
      this.#schedule();
    }, 200).unref();
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
