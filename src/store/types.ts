/** @module The Store contract every backend (SQLite, PostgreSQL) implements; one contract suite checks them all. */
import type { ApiKeyRecord, NodeRecord, Restriction } from '../core/types.js';

/** Everything a node needs to build its policy snapshot, read at one version. */
export type ControlState = {
  readonly version: number;
  readonly keys: readonly ApiKeyRecord[];
  readonly restrictions: readonly Restriction[];
};

/** Who made a change and when; recorded with the change in the same transaction. */
export type ChangeMeta = { readonly actor: string; readonly at: number };

export type Change = {
  readonly version: number;
  readonly kind: string;
  readonly actor: string;
  readonly at: number;
  readonly detail: Readonly<Record<string, unknown>>;
};

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  getVersion(): Promise<number>;
  loadState(): Promise<ControlState>;
  getMeta(key: string): Promise<string | undefined>;
  /** Sets the value only when the key is absent; returns the value now stored. */
  putMetaIfAbsent(key: string, value: string): Promise<string>;

  /** Each write below commits the change, the version bump and its change record in one transaction. */
  createKey(key: ApiKeyRecord, meta: ChangeMeta): Promise<{ version: number }>;
  revokeKey(id: string, meta: ChangeMeta): Promise<{ version: number; key: ApiKeyRecord } | undefined>;
  listKeys(): Promise<readonly ApiKeyRecord[]>;
  createRestriction(r: Restriction, meta: ChangeMeta): Promise<{ version: number }>;
  liftRestriction(id: string, reason: string, meta: ChangeMeta): Promise<{ version: number; restriction: Restriction } | undefined>;
  listRestrictions(opts?: { includeLifted?: boolean }): Promise<readonly Restriction[]>;
  /** Bumps the version with a change record and nothing else (e.g. a config reload). */
  recordChange(kind: string, detail: Record<string, unknown>, meta: ChangeMeta): Promise<{ version: number }>;
  listChanges(sinceVersion: number, limit: number): Promise<readonly Change[]>;

  upsertNode(n: NodeRecord): Promise<void>;
  heartbeat(id: string, at: number, appliedVersion: number): Promise<void>;
  markNodeStopped(id: string, at: number): Promise<void>;
  listNodes(): Promise<readonly NodeRecord[]>;

  close(): Promise<void>;
}
