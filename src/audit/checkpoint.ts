/** @module Signed checkpoints: a chain's size, Merkle root and head, signed with the node's Ed25519 key. */
import { canonicalize } from './canonical-json.js';
import type { Frontier } from './merkle.js';
import type { NodeKeys } from './keys.js';

export type CheckpointReason = 'periodic' | 'close' | 'seal' | 'retention';

/** What is signed: its canonical JSON. */
export type CheckpointStatement = {
  readonly type: 'warden.audit.checkpoint';
  readonly v: 1;
  readonly chain: string;
  readonly size: number;
  /** Hex RFC 9162 root over the hashes of events 1..size. */
  readonly root: string;
  /** Hex hash of event `size` (the chain head), or 64 zeros for an empty chain. */
  readonly head: string;
  readonly at: number;
  readonly keyId: string;
  readonly reason: CheckpointReason;
};

/** The row every backend keeps per checkpoint. */
export type CheckpointRow = {
  readonly chain: string;
  readonly size: number;
  readonly at: number;
  readonly keyId: string;
  /** Canonical JSON of the CheckpointStatement: the signed bytes. */
  readonly statement: string;
  /** Base64 Ed25519 signature over `statement`. */
  readonly signature: string;
  /** Hex subtree roots at `size` (see Frontier), so the chain can be resumed or verified from here. Not signed: it must reproduce `root`. */
  readonly frontier: readonly string[];
};

export function makeCheckpoint(
  chain: string, frontier: Frontier, head: string, at: number, reason: CheckpointReason, signer: NodeKeys,
): CheckpointRow {
  const st: CheckpointStatement = {
    type: 'warden.audit.checkpoint', v: 1, chain, size: frontier.size, root: frontier.root(),
    head, at, keyId: signer.keyId, reason,
  };
  const statement = canonicalize(st);
  return { chain, size: frontier.size, at, keyId: signer.keyId, statement, signature: signer.sign(statement), frontier: frontier.nodes() };
}

/** Parses and shape-checks a statement; undefined when it is not one. */
export function parseStatement(text: string): CheckpointStatement | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const hex = (x: unknown): boolean => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
  if (o.type !== 'warden.audit.checkpoint' || o.v !== 1 || typeof o.chain !== 'string' || !Number.isSafeInteger(o.size) ||
    (o.size as number) < 0 || !hex(o.root) || !hex(o.head) || typeof o.at !== 'number' || typeof o.keyId !== 'string' ||
    typeof o.reason !== 'string') return undefined;
  return o as CheckpointStatement;
}
