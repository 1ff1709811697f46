/** @module API-key authentication against the snapshot: the key is hashed and looked up, never compared as text. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { hashApiKey } from '../control/keys.js';
import type { ApiKeyRecord } from '../core/types.js';
import type { Snapshot } from '../policy/snapshot.js';

const MAX_KEY_CHARS = 256;

/** The presented key from `Authorization: Bearer` or `x-api-key`, or undefined. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.length <= MAX_KEY_CHARS + 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.length <= MAX_KEY_CHARS) return x.trim();
  return undefined;
}

/**
 * Looks the key up by its SHA-256: the map lookup compares digests of a secret the attacker does not know,
 * so its timing tells nothing about stored keys (constant-time in the sense that matters).
 */
export function authenticate(snapshot: Snapshot, headers: IncomingHttpHeaders): ApiKeyRecord | undefined {
  const key = presentedKey(headers);
  if (!key || key.length > MAX_KEY_CHARS) return undefined;
  return snapshot.keysByHash.get(hashApiKey(key));
}

const LAST = Symbol('warden.lastKey');
type LastKey = { readonly key: string; readonly snapshot: Snapshot; readonly record: ApiKeyRecord };

/**
 * authenticate(), remembering the last key that authenticated on this connection: a keep-alive client sends
 * the same key with every request, and the hash is the largest part of the lookup. The remembered entry holds
 * until the snapshot changes (a revoked key is looked up again). Comparing the presented key with the last one
 * of the same connection tells the sender nothing it did not send itself.
 */
export function authenticateRequest(snapshot: Snapshot, req: IncomingMessage): ApiKeyRecord | undefined {
  const key = presentedKey(req.headers);
  if (!key || key.length > MAX_KEY_CHARS) return undefined;
  const socket = req.socket as (typeof req.socket & { [LAST]?: LastKey | undefined }) | null;
  const last = socket?.[LAST];
  if (last !== undefined && last.snapshot === snapshot && last.key === key) return last.record;
  const record = snapshot.keysByHash.get(hashApiKey(key));
  if (socket) socket[LAST] = record ? { key, snapshot, record } : undefined;
  return record;
}
