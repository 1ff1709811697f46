/** @module The AuditBackend contract that the SQLite and PostgreSQL drivers implement (one contract suite checks both). */
import type { CheckpointRow } from './checkpoint.js';
import type { EventRow } from './event.js';
import type { PublicKeyRecord } from './keys.js';

export type ChainHead = { readonly seq: number; readonly hash: string };

/** A retention run: events 1..prunedThrough of a chain were deleted, authorised by the retention event and checkpoint. */
export type RetentionRecord = {
  readonly chain: string;
  readonly prunedThrough: number;
  /** Events older than this (epoch ms) were to go. */
  readonly cutoff: number;
  readonly at: number;
  readonly actor: string;
  /** Seq of the retention event in the chain. */
  readonly eventSeq: number;
  readonly deleted: number;
};

/** What a writer needs to resume a chain: the newest checkpoint and every event after it. */
export type ChainTail = {
  readonly checkpoint: CheckpointRow | undefined;
  readonly events: readonly EventRow[];
};

export type AppendResult = 'ok' | 'moved';

/**
 * How to open an equivalent backend on the audit writer thread: `module` (a file URL) exports a function
 * `open` that takes `args` (plain, cloneable values) and returns the backend or a promise of it. The audit
 * room names no driver: the driver describes itself.
 */
export type BackendThreadSpec = { readonly module: string; readonly open: string; readonly args: readonly unknown[] };

export interface AuditBackend {
  readonly kind: 'sqlite' | 'postgres';
  /** The local data directory holding this node's key files. */
  readonly dataDir: string;
  /**
   * How another thread opens its own connection to the same store: 'write' for the writer thread, 'read' for
   * verify threads. Undefined: the work stays on the calling thread.
   */
  threadSpec?(access: 'write' | 'read'): BackendThreadSpec | undefined;

  registerKey(k: PublicKeyRecord): Promise<void>;
  listKeys(): Promise<readonly PublicKeyRecord[]>;
  listChains(): Promise<readonly string[]>;
  loadChainTail(chain: string): Promise<ChainTail>;
  /**
   * Appends events (and optionally a checkpoint) in one transaction, only if the chain's stored head is still
   * `expected` (compare-and-set under the chain's write lock). 'moved' means another writer appended first:
   * nothing was written; reload and rebuild.
   */
  append(chain: string, expected: ChainHead, events: readonly EventRow[], checkpoint: CheckpointRow | undefined): Promise<AppendResult>;
  /** Adds a checkpoint for a size already written; ignored if one exists at that size. */
  addCheckpoint(cp: CheckpointRow): Promise<void>;
  /** Up to `limit` events with seq in [fromSeq, toSeq], in seq order. */
  readEvents(chain: string, fromSeq: number, toSeq: number, limit: number): Promise<readonly EventRow[]>;
  getEvent(chain: string, seq: number): Promise<EventRow | undefined>;
  /** Lowest and highest seq present, undefined for an empty chain. */
  seqBounds(chain: string): Promise<{ readonly first: number; readonly last: number } | undefined>;
  /** First seq with at >= fromMs and last seq with at <= toMs. */
  seqRangeForTime(chain: string, fromMs: number, toMs: number): Promise<{ readonly first: number; readonly last: number } | undefined>;
  listCheckpoints(chain: string): Promise<readonly CheckpointRow[]>;
  /** Deletes events 1..throughSeq and records the run, in one transaction; returns how many were deleted. */
  prune(rec: Omit<RetentionRecord, 'deleted'>): Promise<number>;
  listRetention(chain?: string): Promise<readonly RetentionRecord[]>;
  close(): Promise<void>;
}
