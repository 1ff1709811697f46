/** @module Messages between the audit log and its writer thread (thread-sink.ts ⇄ writer-thread.ts): plain, cloneable data. */
import type { BackendThreadSpec } from './backend.js';
import type { BatchResult, TailProblem } from './chain-writer.js';
import type { CheckpointReason } from './checkpoint.js';
import type { SinkState } from './chain-sink.js';

/** `workerData` of the writer thread. The signing key is read from `dataDir` there and never crosses the port. */
export type WriterData = { readonly spec: BackendThreadSpec; readonly chain: string; readonly dataDir: string; readonly every: number };

/**
 * One batch: the payloads' JSON as UTF-8, back to back in one transferred buffer (`lengths` in bytes cut them
 * apart again), so nothing is copied or cloned per event on the way. `gen` counts failures: after a failed
 * batch the thread skips every batch of the same generation (they were handed over behind it and go back to
 * the queue).
 */
export type AppendRequest = {
  readonly type: 'append'; readonly id: number; readonly gen: number;
  readonly bytes: ArrayBuffer; readonly lengths: Uint32Array; readonly ats: Float64Array;
  readonly forced: CheckpointReason | undefined; readonly now: number;
};

export type ToWriter =
  | { readonly type: 'open'; readonly id: number; readonly now: number }
  | AppendRequest
  | { readonly type: 'close'; readonly id: number };

export type FromWriter =
  | { readonly type: 'opened'; readonly id: number; readonly problem: TailProblem | undefined; readonly state: SinkState }
  | { readonly type: 'appended'; readonly id: number; readonly result: BatchResult; readonly state: SinkState }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'skipped'; readonly id: number }
  | { readonly type: 'closed'; readonly id: number };
