/** @module Inclusion proofs: one event, its Merkle audit path, and the signed checkpoint it verifies against, offline. */
import type { AuditBackend } from './backend.js';
import { parseStatement } from './checkpoint.js';
import { openEnvelope, sha256 } from './envelope.js';
import { keyIdOf, publicKeyObject, verifySignature } from './keys.js';
import { Frontier, inclusionPath, verifyInclusion } from './merkle.js';

export type InclusionProof = {
  readonly type: 'warden.audit.inclusion-proof';
  readonly v: 1;
  readonly chain: string;
  readonly seq: number;
  /** The event's canonical JSON, exactly as hashed. */
  readonly event: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  /** Hex sibling hashes, leaf to root (RFC 9162 §2.1.3). */
  readonly path: readonly string[];
  readonly checkpoint: { readonly statement: string; readonly signature: string };
  readonly publicKey: { readonly keyId: string; readonly publicKey: string };
};

/** Builds the proof against the first checkpoint covering the event; throws when none covers it yet. */
export async function buildProof(backend: AuditBackend, chain: string, seq: number): Promise<InclusionProof> {
  const ev = await backend.getEvent(chain, seq);
  if (!ev) throw new Error(`event ${chain}:${seq} does not exist (or was pruned)`);
  const cps = await backend.listCheckpoints(chain);
  const cp = cps.find((c) => c.size >= seq);
  if (!cp) throw new Error(`event ${chain}:${seq} is not covered by a signed checkpoint yet; run \`warden audit seal\` or wait for the next checkpoint`);
  const key = (await backend.listKeys()).find((k) => k.keyId === cp.keyId && k.chain === chain);
  if (!key) throw new Error(`the key ${cp.keyId} that signed the checkpoint is not recorded`);
  const bounds = await backend.seqBounds(chain);
  const first = bounds?.first ?? 1;
  // After pruning, the deleted prefix is represented by the frontier saved at the prune point.
  const base = first > 1 ? cps.find((c) => c.size === first - 1) : undefined;
  if (first > 1 && !base) throw new Error(`events 1..${first - 1} are gone and no checkpoint at ${first - 1} stands in for them`);
  const known = base ? new Frontier(base.size, base.frontier).blocks() : [];
  const hashes: string[] = [];
  for (let from = first; from <= cp.size;) {
    const rows = await backend.readEvents(chain, from, cp.size, 50_000);
    if (rows.length === 0) break;
    for (const r of rows) hashes.push(r.hash);
    from = (rows[rows.length - 1]?.seq ?? cp.size) + 1;
  }
  const path = inclusionPath(seq - 1, cp.size, (i) => {
    const h = hashes[i - (first - 1)];
    if (!h) throw new Error(`event ${chain}:${i + 1} is missing; verify the chain first`);
    return h;
  }, known);
  return {
    type: 'warden.audit.inclusion-proof', v: 1, chain, seq, event: ev.body, leafIndex: seq - 1, treeSize: cp.size,
    path, checkpoint: { statement: cp.statement, signature: cp.signature },
    publicKey: { keyId: key.keyId, publicKey: key.publicKey },
  };
}

export type ProofCheck = { readonly ok: boolean; readonly reason: string | null; readonly chain: string | null; readonly seq: number | null; readonly treeSize: number | null };

/** Verifies a proof with nothing but its own content; `trustedKeyIds` pins the signer (e.g. from `warden audit head`). */
export function verifyProof(value: unknown, trustedKeyIds?: readonly string[]): ProofCheck {
  const bad = (reason: string): ProofCheck => ({ ok: false, reason, chain: null, seq: null, treeSize: null });
  if (typeof value !== 'object' || value === null) return bad('not a proof');
  const p = value as Partial<InclusionProof>;
  if (p.type !== 'warden.audit.inclusion-proof' || typeof p.event !== 'string' || !Array.isArray(p.path) || !p.checkpoint || !p.publicKey) return bad('not a proof');
  const st = parseStatement(p.checkpoint.statement);
  if (!st) return bad('malformed checkpoint');
  if (keyIdOf(p.publicKey.publicKey) !== st.keyId) return bad('the public key is not the one the checkpoint names');
  if (trustedKeyIds && !trustedKeyIds.includes(st.keyId)) return bad(`the checkpoint is signed by ${st.keyId}, which is not trusted`);
  let sigOk: boolean;
  try {
    sigOk = verifySignature(publicKeyObject(p.publicKey.publicKey), p.checkpoint.statement, p.checkpoint.signature);
  } catch {
    sigOk = false;
  }
  if (!sigOk) return bad('bad checkpoint signature');
  const env = openEnvelope(p.event);
  if (!env) return bad('malformed event');
  let node: unknown;
  try {
    node = (JSON.parse(env.payload) as { node?: unknown }).node;
  } catch {
    return bad('malformed event');
  }
  if (node !== st.chain) return bad('the event belongs to another chain than the checkpoint');
  if (p.path.some((x) => typeof x !== 'string' || !/^[0-9a-f]{64}$/.test(x))) return bad('malformed path');
  const ok = verifyInclusion(sha256(p.event), env.seq - 1, st.size, p.path as string[], st.root);
  return { ok, reason: ok ? null : 'the event is not in the signed tree', chain: st.chain, seq: env.seq, treeSize: st.size };
}
