/** @module The admin token: from WARDEN_ADMIN_TOKEN, or generated once at first start with only its hash stored. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/types.js';

const META_KEY = 'admin_token_sha256';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Returns the hash to check admin calls against, and the token itself only when it was generated now (to print once).
 * A token from the environment wins and nothing is generated.
 */
export async function ensureAdminToken(store: Store, fromEnv: string | undefined): Promise<{ hash: Buffer; generated: string | undefined }> {
  if (fromEnv) return { hash: hashToken(fromEnv), generated: undefined };
  const existing = await store.getMeta(META_KEY);
  if (existing) return { hash: Buffer.from(existing, 'hex'), generated: undefined };
  const token = `wdn_admin_${randomBytes(24).toString('base64url')}`;
  const stored = await store.putMetaIfAbsent(META_KEY, hashToken(token).toString('hex'));
  // Another process may have won the race; then its token stands and ours is discarded unseen.
  const mine = stored === hashToken(token).toString('hex');
  return { hash: Buffer.from(stored, 'hex'), generated: mine ? token : undefined };
}

export function tokenMatches(presented: string, hash: Buffer): boolean {
  return timingSafeEqual(hashToken(presented), hash);
}
