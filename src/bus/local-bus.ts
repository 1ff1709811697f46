/** @module In-process bus for a single embedded process: delivers synchronously to every subscriber, itself included. */
import type { Bus, BusMessage } from './types.js';

export class LocalBus implements Bus {
  readonly #subs = new Set<(m: BusMessage) => void>();
  async publish(msg: BusMessage): Promise<void> {
    for (const fn of [...this.#subs]) fn(msg);
  }
  subscribe(fn: (m: BusMessage) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }
  healthy(): boolean {
    return true;
  }
  async close(): Promise<void> {
    this.#subs.clear();
  }
}
