/**
 * @module Bus for a cluster node that has no cross-process transport (PostgreSQL without Redis): delivers only within
 * the process and reports itself unhealthy, so the node agent confirms other nodes by reading the store instead.
 */
import type { Bus, BusMessage } from './types.js';

export class PollOnlyBus implements Bus {
  readonly #subs = new Set<(m: BusMessage) => void>();
  async publish(msg: BusMessage): Promise<void> {
    for (const fn of [...this.#subs]) fn(msg);
  }
  subscribe(fn: (m: BusMessage) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }
  /** Always false: other nodes never hear this bus; they learn new versions by polling the store. */
  healthy(): boolean {
    return false;
  }
  async close(): Promise<void> {
    this.#subs.clear();
  }
}
