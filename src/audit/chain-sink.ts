/** @module Where the audit log's batches go: a ChainWriter on the caller's thread, or one on a writer thread (thread-sink.ts). */
import type { AuditBackend, ChainHead } from './backend.js';
import { ChainWriter, type BatchResult, type Prepared, type TailProblem } from './chain-writer.js';
import type { CheckpointReason } from './checkpoint.js';
import type { NodeKeys } from './keys.js';

/** The chain as the sink last saw it: what stats() reports and the periodic checkpoint timer looks at. */
export type SinkState = {
  readonly head: ChainHead;
  readonly lastCheckpoint: { readonly size: number; readonly at: number };
  readonly tailProblem: TailProblem | undefined;
};

export interface ChainSink {
  /** Batches the log may hand over before the first is acknowledged. */
  readonly depth: number;
  readonly state: SinkState;
  /** Registers the key and loads the stored head; resolves to a problem found at the tail, if any. */
  open(now: number): Promise<TailProblem | undefined>;
  /**
   * Appends one batch in one transaction (and signs a checkpoint when forced or due, see ChainWriter.appendBatch).
   * If a batch fails, the batches handed over after it fail too, unwritten, so the log can requeue them in order.
   */
  append(items: readonly Prepared[], forced: CheckpointReason | undefined, now: number): Promise<BatchResult>;
  close(): Promise<void>;
}

/** Appends on the caller's thread. For backends that cannot be reopened elsewhere, and for explicitly given secrets. */
export class InlineSink implements ChainSink {
  readonly depth = 1;
  readonly #writer: ChainWriter;
  readonly #every: number;

  constructor(backend: AuditBackend, chain: string, signer: NodeKeys, every: number) {
    this.#writer = new ChainWriter(backend, chain, signer);
    this.#every = every;
  }

  get state(): SinkState {
    return { head: this.#writer.head, lastCheckpoint: this.#writer.lastCheckpoint, tailProblem: this.#writer.tailProblem };
  }

  open(now: number): Promise<TailProblem | undefined> {
    return this.#writer.open(now);
  }

  append(items: readonly Prepared[], forced: CheckpointReason | undefined, now: number): Promise<BatchResult> {
    return this.#writer.appendBatch(items, forced, this.#every, now);
  }

  async close(): Promise<void> {
    // The backend belongs to whoever opened it.
  }
}
