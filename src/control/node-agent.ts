/**
 * @module One gateway node's link to the control plane: loads policy snapshots, swaps them atomically,
 * acknowledges each version, heartbeats, and knows when it can no longer confirm the current policy (fail closed).
 */
import type { Bus, BusMessage } from '../bus/types.js';
import type { Snapshot } from '../policy/snapshot.js';
import type { ControlState, Store } from '../store/types.js';
import type { Propagation, Propagator } from './service.js';

export type NodeAgentOptions = {
  readonly store: Store;
  readonly bus: Bus;
  readonly nodeId: string;
  readonly region: string;
  readonly now: () => number;
  readonly build: (state: ControlState) => Snapshot;
  readonly onSwap?: (prev: Snapshot | undefined, next: Snapshot) => void;
  readonly onError?: (err: unknown, what: string) => void;
  /** Safety-net poll of the policy version, in case a notice was lost. */
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
  /** After this long without confirming the current version, models marked failClosed are refused. */
  readonly staleAfterMs?: number;
  /** A node whose heartbeat is older than this is not waited for. */
  readonly liveWindowMs?: number;
  readonly pid?: number;
  readonly host?: string;
};

export class NodeAgent {
  readonly #o: NodeAgentOptions;
  #snapshot: Snapshot | undefined;
  #confirmedAt = 0;
  #loading: Promise<void> | undefined;
  #wanted = 0;
  #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | undefined;
  readonly #ackWaiters = new Set<(m: BusMessage) => void>();
  #stopped = false;

  constructor(o: NodeAgentOptions) {
    this.#o = o;
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  snapshot(): Snapshot {
    if (!this.#snapshot) throw new Error('node agent not started');
    return this.#snapshot;
  }

  ready(): boolean {
    return this.#snapshot !== undefined && !this.#stopped;
  }

  isStale(): boolean {
    return this.#o.now() - this.#confirmedAt > (this.#o.staleAfterMs ?? 10_000);
  }

  /** Registers the node and loads the newest snapshot; the node must not serve before this resolves. */
  async start(): Promise<void> {
    this.#unsubscribe = this.#o.bus.subscribe((m) => this.#onMessage(m));
    await this.refresh();
    const now = this.#o.now();
    await this.#o.store.upsertNode({
      id: this.#o.nodeId, region: this.#o.region, pid: this.#o.pid ?? null, host: this.#o.host ?? null, startedAt: now,
      heartbeatAt: now, appliedVersion: this.snapshot().version, appliedAt: now, stoppedAt: null,
    });
    this.#timers.push(setInterval(() => void this.refresh().catch((e: unknown) => this.#o.onError?.(e, 'poll')), this.#o.pollMs ?? 1_000));
    this.#timers.push(setInterval(() => void this.#heartbeat(), this.#o.heartbeatMs ?? 1_000));
    for (const t of this.#timers) t.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#unsubscribe?.();
    await this.#o.store.markNodeStopped(this.#o.nodeId, this.#o.now()).catch(() => undefined);
  }

  /** Loads the newest state if it is newer than the snapshot served now; concurrent calls share one load. */
  async refresh(atLeast = 0): Promise<void> {
    this.#wanted = Math.max(this.#wanted, atLeast);
    if (this.#loading) return this.#loading;
    this.#loading = (async () => {
      try {
        for (;;) {
          const current = this.#snapshot?.version ?? 0;
          let version: number;
          if (this.#wanted > current) {
            // A notice (or a propagate) named a newer version: load it directly, no version probe first.
            const state = await this.#o.store.loadState();
            this.#confirmedAt = this.#o.now();
            version = state.version;
            this.#apply(state);
          } else {
            version = await this.#o.store.getVersion();
            this.#confirmedAt = this.#o.now();
            if (version > current) this.#apply(await this.#o.store.loadState());
          }
          if ((this.#snapshot?.version ?? 0) >= this.#wanted) break;
          if (version < this.#wanted) break; // a notice ahead of what the store shows us: nothing newer to load yet
        }
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  #apply(state: ControlState): void {
    const prev = this.#snapshot;
    if (prev && state.version <= prev.version) return;
    const next = this.#o.build(state);
    this.#snapshot = next;
    this.#o.onSwap?.(prev, next);
    void this.#o.bus.publish({ t: 'ack', node: this.#o.nodeId, version: next.version }).catch((e: unknown) => this.#o.onError?.(e, 'ack'));
    void this.#heartbeat();
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped || !this.#snapshot) return;
    try {
      await this.#o.store.heartbeat(this.#o.nodeId, this.#o.now(), this.#snapshot.version);
    } catch (e) {
      this.#o.onError?.(e, 'heartbeat');
    }
  }

  #onMessage(m: BusMessage): void {
    if (m.t === 'version') {
      if (m.version > (this.#snapshot?.version ?? 0)) void this.refresh(m.version).catch((e: unknown) => this.#o.onError?.(e, 'notice'));
      else void this.#o.bus.publish({ t: 'ack', node: this.#o.nodeId, version: this.#snapshot?.version ?? 0 }).catch(() => undefined);
    } else {
      for (const w of this.#ackWaiters) w(m);
    }
  }

  /** Publishes a new version and waits until every live node acknowledged it, or the timeout. */
  readonly propagate: Propagator = async (version, timeoutMs) => {
    const t0 = performance.now();
    const acked = new Set<string>();
    const waiter = (m: BusMessage): void => {
      if (m.t === 'ack' && m.version >= version) acked.add(m.node);
    };
    this.#ackWaiters.add(waiter);
    try {
      // Tell every node first, so their reloads overlap with ours and with reading the node list.
      await this.#o.bus.publish({ t: 'version', version });
      const [, allNodes] = await Promise.all([this.refresh(version), this.#o.store.listNodes()]);
      acked.add(this.#o.nodeId);
      const liveWindow = this.#o.liveWindowMs ?? 5_000;
      const now = this.#o.now();
      const nodes = allNodes.filter((n) => n.stoppedAt === null && now - n.heartbeatAt <= liveWindow);
      const live = new Set(nodes.map((n) => n.id));
      live.add(this.#o.nodeId);
      for (const n of allNodes) if (n.appliedVersion >= version) acked.add(n.id);
      const deadline = t0 + timeoutMs;
      const allIn = (): boolean => [...live].every((id) => acked.has(id));
      while (!allIn() && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(20, Math.max(1, deadline - performance.now())));
          const w = (m: BusMessage): void => {
            if (m.t === 'ack' && m.version >= version && live.has(m.node)) {
              clearTimeout(t);
              this.#ackWaiters.delete(w);
              resolve();
            }
          };
          this.#ackWaiters.add(w);
          setTimeout(() => this.#ackWaiters.delete(w), Math.max(1, deadline - performance.now()) + 5).unref();
        });
        // A node that missed the bus but polled the store also counts as confirmed.
        if (!allIn() && (!this.#o.bus.healthy() || performance.now() - t0 > 250)) {
          for (const n of await this.#o.store.listNodes()) if (n.appliedVersion >= version) acked.add(n.id);
        }
      }
      const result: Propagation = {
        version,
        confirmed: [...live].filter((id) => acked.has(id)).sort(),
        missing: [...live].filter((id) => !acked.has(id)).sort(),
        elapsedMs: Math.round((performance.now() - t0) * 100) / 100,
      };
      return result;
    } finally {
      this.#ackWaiters.delete(waiter);
    }
  };
}
