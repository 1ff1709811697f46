/** @module Bus between the worker processes of one embedded Warden: workers send to the primary, which relays to every worker. */
import type { Bus, BusMessage } from './types.js';

const TAG = 'warden.bus';

type Envelope = { readonly [TAG]: BusMessage };

function isEnvelope(m: unknown): m is Envelope {
  return typeof m === 'object' && m !== null && TAG in m;
}

/** The worker side; `proc` is the worker's own process (has `send`). */
export class IpcBus implements Bus {
  readonly #subs = new Set<(m: BusMessage) => void>();
  readonly #proc: NodeJS.Process;
  readonly #onMessage = (m: unknown): void => {
    if (!isEnvelope(m)) return;
    for (const fn of [...this.#subs]) fn(m[TAG]);
  };

  constructor(proc: NodeJS.Process) {
    this.#proc = proc;
    proc.on('message', this.#onMessage);
  }
  async publish(msg: BusMessage): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.#proc.send || !this.#proc.connected) return resolve();
      this.#proc.send({ [TAG]: msg }, undefined, {}, () => resolve());
    });
  }
  subscribe(fn: (m: BusMessage) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }
  healthy(): boolean {
    return this.#proc.connected === true;
  }
  async close(): Promise<void> {
    this.#proc.off('message', this.#onMessage);
    this.#subs.clear();
  }
}

/** The primary side: relays every bus message from one worker to all workers. */
export function relayIpcBus(workers: () => Iterable<{ send(m: unknown): boolean; isConnected(): boolean }>, message: unknown): void {
  if (!isEnvelope(message)) return;
  for (const w of workers()) if (w.isConnected()) w.send(message);
}
