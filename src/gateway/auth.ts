/** @module API-key authentication against the snapshot: the key is hashed and looked up, never compared as text. */
import type { IncomingHttpHeaders } from 'node:http';
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
