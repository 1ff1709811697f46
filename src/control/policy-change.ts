/**
 * @module One policy change as it travels in a version notice: what turns the state at version V-1 into the state at
 * V, so a node applies it without reading the store. Signed with a key every node reads from the store, so whoever
 * can write to the bus (Redis) still cannot change a node's policy; a node that cannot use a change (a version
 * skipped, no key, a bad signature, too large) reloads the state from the store instead.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Restriction, RestrictionScope } from '../core/types.js';
import type { ControlState } from '../store/types.js';

export type PolicyChange =
  | { readonly op: 'restrict'; readonly restriction: Restriction }
  | { readonly op: 'lift'; readonly id: string }
  | { readonly op: 'revoke'; readonly keyId: string };

/** Meta key of the shared signing key in the store (created by the first node, read by every other). */
export const CHANGE_KEY_META = 'bus.change_key';

/** The state after `change`, at `version`; the input is the state at `version - 1`. */
export function applyChange(state: ControlState, version: number, change: PolicyChange): ControlState {
  switch (change.op) {
    case 'restrict':
      return { version, keys: state.keys, restrictions: [...state.restrictions.filter((r) => r.id !== change.restriction.id), change.restriction] };
    case 'lift':
      return { version, keys: state.keys, restrictions: state.restrictions.filter((r) => r.id !== change.id) };
    case 'revoke':
      return { version, keys: state.keys.filter((k) => k.id !== change.keyId), restrictions: state.restrictions };
  }
}

function mac(key: Buffer, version: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${version}\n${body}`).digest();
}

function ackMac(key: Buffer, node: string, version: number): Buffer {
  return createHmac('sha256', key).update(`ack\n${node}\n${version}`).digest();
}

/** An acknowledgement's signature: node `node` applied `version`. Only a holder of the store's key can make one. */
export function signAck(key: Buffer, node: string, version: number): string {
  return ackMac(key, node, version).toString('hex');
}

export function ackSigned(key: Buffer, node: string, version: number, sig: string | undefined): boolean {
  return sig !== undefined && macMatches(ackMac(key, node, version), sig);
}

function macMatches(want: Buffer, sig: string): boolean {
  const got = Buffer.from(sig, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The change as the notice carries it, or undefined when it is larger than `maxChars` (nodes then reload). */
export function encodeChange(key: Buffer, version: number, change: PolicyChange, maxChars: number): { change: string; sig: string } | undefined {
  const body = JSON.stringify(change);
  if (body.length > maxChars) return undefined;
  return { change: body, sig: mac(key, version, body).toString('hex') };
}

/** The change, if the signature is good for this version and the body is well formed; else undefined. */
export function decodeChange(key: Buffer, version: number, body: string, sig: string): PolicyChange | undefined {
  if (!macMatches(mac(key, version, body), sig)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  if (v.op === 'lift' && isId(v.id)) return { op: 'lift', id: v.id };
  if (v.op === 'revoke' && isId(v.keyId)) return { op: 'revoke', keyId: v.keyId };
  if (v.op === 'restrict') {
    const restriction = asRestriction(v.restriction);
    return restriction ? { op: 'restrict', restriction } : undefined;
  }
  return undefined;
}

const MAX_TEXT = 4096;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 256;
}
function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_TEXT;
}
function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function textOrNull(v: unknown): v is string | null {
  return v === null || isText(v);
}
function timeOrNull(v: unknown): v is number | null {
  return v === null || isTime(v);
}

function asScope(v: unknown): RestrictionScope | undefined {
  if (!isObject(v)) return undefined;
  const out: { regions?: string[]; tenants?: string[]; keys?: string[] } = {};
  for (const k of ['regions', 'tenants', 'keys'] as const) {
    const list = v[k];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 1000 || !list.every(isId)) return undefined;
    out[k] = list;
  }
  return out;
}

/** Rebuilds a restriction field by field from the decoded body (no unknown fields carried into the snapshot). */
function asRestriction(v: unknown): Restriction | undefined {
  if (!isObject(v) || !isId(v.id) || !isId(v.model) || !isText(v.reason) || !textOrNull(v.incident) || !isText(v.createdBy)) return undefined;
  if (!isTime(v.createdAt) || !timeOrNull(v.expiresAt) || typeof v.terminateInFlight !== 'boolean') return undefined;
  if (!timeOrNull(v.liftedAt) || !textOrNull(v.liftedBy) || !textOrNull(v.liftReason)) return undefined;
  const scope = asScope(v.scope);
  const a = v.action;
  if (!scope || !isObject(a)) return undefined;
  let action: Restriction['action'];
  if (a.kind === 'deny') action = { kind: 'deny' };
  else if (a.kind === 'fallback' && isId(a.model)) action = { kind: 'fallback', model: a.model };
  else return undefined;
  return {
    id: v.id, model: v.model, scope, action, reason: v.reason, incident: v.incident, createdBy: v.createdBy, createdAt: v.createdAt,
    expiresAt: v.expiresAt, terminateInFlight: v.terminateInFlight, liftedAt: v.liftedAt, liftedBy: v.liftedBy, liftReason: v.liftReason,
  };
}
