/** @module Messages of the verify threads (verify-threads.ts ⇄ verify-thread.ts): plain, cloneable data. */
import type { BackendThreadSpec } from './backend.js';

/**
 * `workerData`: check events from..to of a chain. `prev` is the hash event `from` must link to; undefined:
 * the stored hash of event from-1, which the thread checking the range before verifies against its body.
 */
export type VerifyRange = {
  readonly spec: BackendThreadSpec; readonly chain: string; readonly from: number; readonly to: number;
  readonly prev: string | undefined; readonly pageSize: number;
};

/**
 * `page`: events first..first+n-1 passed their own checks (seq in order, link, hash of the body); `hashes` are
 * their hex hashes back to back, `retention` the payloads of those that may be retention events.
 * `problem`: an event did not; the caller verifies again on one thread to say exactly what is wrong.
 */
export type FromVerifier =
  | { readonly type: 'page'; readonly first: number; readonly hashes: string; readonly retention: readonly (readonly [number, string])[] }
  | { readonly type: 'problem'; readonly seq: number }
  | { readonly type: 'done' };
