/** @module Appends to one node's hash chain: links, Merkle frontier, checkpoints, compare-and-set against other writers. */
import type { AuditBackend, ChainHead } from './backend.js';
import { makeCheckpoint, parseStatement, type CheckpointReason, type CheckpointRow } from './checkpoint.js';
import { envelope, openEnvelope, sha256 } from './envelope.js';
import { GENESIS_PREV, type EventRow } from './event.js';
import type { NodeKeys } from './keys.js';
import { Frontier } from './merkle.js';

/** A problem found while resuming: the stored tail does not hash or link as it should. */
export type TailProblem = { readonly seq: number; readonly reason: string };

export type Prepared = { readonly json: string; readonly at: number };

/** What a batch append did, in plain data (it crosses the writer thread's message port). */
export type BatchResult = {
  /** Seq of the batch's first event; its events are firstSeq..firstSeq+count-1. */
  readonly firstSeq: number;
  readonly count: number;
  readonly head: ChainHead;
  readonly lastCheckpoint: { readonly size: number; readonly at: number };
  /** A checkpoint was signed after the batch. */
  readonly checkpointed: boolean;
};

const MAX_MOVED_RETRIES = 20;

export class ChainWriter {
  readonly chain: string;
  readonly #backend: AuditBackend;
  readonly #signer: NodeKeys;
  #head: ChainHead = { seq: 0, hash: GENESIS_PREV };
  #frontier = new Frontier();
  #lastCheckpoint: { size: number; at: number } = { size: 0, at: 0 };
  #tailProblem: TailProblem | undefined;

  constructor(backend: AuditBackend, chain: string, signer: NodeKeys) {
    this.#backend = backend;
    this.chain = chain;
    this.#signer = signer;
  }

  get head(): ChainHead {
    return this.#head;
  }

  get sinceCheckpoint(): number {
    return this.#head.seq - this.#lastCheckpoint.size;
  }

  get lastCheckpoint(): { readonly size: number; readonly at: number } {
    return this.#lastCheckpoint;
  }

  get tailProblem(): TailProblem | undefined {
    return this.#tailProblem;
  }

  /** Registers the public key and loads the stored head; returns a problem found at the tail, if any. */
  async open(now: number): Promise<TailProblem | undefined> {
    await this.#backend.registerKey({ keyId: this.#signer.keyId, chain: this.chain, publicKey: this.#signer.publicKey, createdAt: now });
    await this.reload();
    return this.#tailProblem;
  }

  /**
   * Rebuilds head and frontier from the newest checkpoint and the events after it. A tail that does not
   * hash or link is reported, never repaired: the chain continues from the stored head, so `verify`
   * points at the damaged event rather than a silently rewritten history.
   */
  async reload(): Promise<void> {
    const tail = await this.#backend.loadChainTail(this.chain);
    let problem: TailProblem | undefined;
    let frontier = new Frontier();
    let head: ChainHead = { seq: 0, hash: GENESIS_PREV };
    const cp = tail.checkpoint;
    if (cp) {
      const st = parseStatement(cp.statement);
      frontier = new Frontier(cp.size, cp.frontier);
      head = { seq: cp.size, hash: st?.head ?? GENESIS_PREV };
      if (!st || st.root !== frontier.root()) problem = { seq: cp.size, reason: 'checkpoint frontier does not reproduce its root' };
      this.#lastCheckpoint = { size: cp.size, at: cp.at };
    } else {
      this.#lastCheckpoint = { size: 0, at: 0 };
    }
    for (const ev of tail.events) {
      const env = openEnvelope(ev.body);
      const hash = sha256(ev.body);
      if (!problem) {
        if (ev.seq !== head.seq + 1) problem = { seq: head.seq + 1, reason: `event ${head.seq + 1} is missing (found ${ev.seq})` };
        else if (!env || env.seq !== ev.seq) problem = { seq: ev.seq, reason: 'event body is malformed' };
        else if (env.prev !== head.hash) problem = { seq: ev.seq, reason: 'event does not link to its predecessor' };
        else if (hash !== ev.hash) problem = { seq: ev.seq, reason: 'event hash does not match its body' };
      }
      // Continue from what is stored (the hash column), so new events link to the visible head.
      frontier.append(ev.hash);
      head = { seq: ev.seq, hash: ev.hash };
    }
    this.#head = head;
    this.#frontier = frontier;
    this.#tailProblem = problem;
  }

  /**
   * Appends a batch and signs a checkpoint after it when `forced` says so, or when `every` events would
   * otherwise be unsigned. The decision is taken here, against the head the batch is appended to.
   */
  async appendBatch(items: readonly Prepared[], forced: CheckpointReason | undefined, every: number, now: number): Promise<BatchResult> {
    const reason = forced ?? (this.sinceCheckpoint + items.length >= every ? 'periodic' : undefined);
    const before = this.#lastCheckpoint.size;
    const rows = await this.append(items, reason, now);
    return {
      firstSeq: rows[0]?.seq ?? this.#head.seq + 1, count: rows.length, head: this.#head, lastCheckpoint: this.#lastCheckpoint,
      checkpointed: this.#lastCheckpoint.size !== before,
    };
  }

  /**
   * Appends prepared payloads (and a checkpoint after them when `reason` is set) in one transaction.
   * Another writer on the same chain makes the write 'moved': reload and re-link, so the chain never forks.
   */
  async append(items: readonly Prepared[], reason: CheckpointReason | undefined, now: number): Promise<readonly EventRow[]> {
    for (let attempt = 0; ; attempt++) {
      const frontier = this.#frontier.clone();
      let prev = this.#head.hash;
      let seq = this.#head.seq;
      const rows: EventRow[] = new Array<EventRow>(items.length);
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as Prepared;
        seq++;
        const body = envelope(it.json, prev, seq);
        const hash = sha256(body);
        frontier.append(hash);
        prev = hash;
        rows[i] = { chain: this.chain, seq, at: it.at, hash, body };
      }
      const cp: CheckpointRow | undefined = reason && seq > 0 && seq > this.#lastCheckpoint.size
        ? makeCheckpoint(this.chain, frontier, prev, now, reason, this.#signer) : undefined;
      if (rows.length === 0 && !cp) return rows;
      const res = await this.#backend.append(this.chain, this.#head, rows, cp);
      if (res === 'ok') {
        this.#frontier = frontier;
        this.#head = { seq, hash: prev };
        if (cp) this.#lastCheckpoint = { size: cp.size, at: cp.at };
        return rows;
      }
      if (attempt >= MAX_MOVED_RETRIES) throw new Error(`audit chain ${this.chain}: another writer keeps appending; is the node id used twice?`);
      await this.reload();
    }
  }
}
