/** @module Open streaming requests by model, so a restriction with terminate-in-flight can end them at once. */
import type { GatewayError } from '../core/errors.js';

export type InflightEntry = {
  readonly model: string;
  readonly tenant: string;
  readonly keyId: string;
  /** Ends the stream with an error event in the caller's format. */
  readonly terminate: (err: GatewayError) => void;
};

export class InflightRegistry {
  readonly #entries = new Set<InflightEntry>();

  add(e: InflightEntry): () => void {
    this.#entries.add(e);
    return () => this.#entries.delete(e);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Terminates every open stream the predicate selects; returns how many. */
  terminate(select: (e: InflightEntry) => boolean, err: (e: InflightEntry) => GatewayError): number {
    let n = 0;
    for (const e of [...this.#entries]) {
      if (!select(e)) continue;
      this.#entries.delete(e);
      e.terminate(err(e));
      n++;
    }
    return n;
  }
}
