/** @module Memoised JSON string literals for the few values (tenant, key, model, node...) that repeat in nearly every event. */
import { isWellFormed, toWellFormed } from './unicode.js';

// Only short values are worth keeping; ids that differ per event (request ids) are not cached by callers.
const MAX_CACHED_LENGTH = 96;
const MAX_ENTRIES = 2_048;

/**
 * JSON.stringify of a well-formed copy of a string (lone surrogates become U+FFFD), which for well-formed
 * strings is exactly the RFC 8785 string form. Bounded: once full the cache starts over, so hostile
 * variety costs a clear, never unbounded memory.
 */
export class JsonStrings {
  readonly #cache = new Map<string, string>();

  get(s: string): string {
    if (s.length > MAX_CACHED_LENGTH) return quote(s);
    let q = this.#cache.get(s);
    if (q === undefined) {
      if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
      q = quote(s);
      this.#cache.set(s, q);
    }
    return q;
  }
}

export function quote(s: string): string {
  return JSON.stringify(isWellFormed(s) ? s : toWellFormed(s));
}
