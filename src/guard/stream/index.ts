/** @module Streaming output guard: re-exports. */
export { createStreamGuard, DEFAULT_HOLD_BACK } from './stream-guard.js';
export type { StreamGuard, StreamGuardOptions, StreamStep, StreamEnd } from './stream-guard.js';
