/**
 * @module One gateway node's link to the control plane: loads policy snapshots, swaps them atomically,
 * acknowledges each version, heartbeats, and knows when it can no longer confirm the current policy (fail closed).
 * A change notice that carries its change (signed) is applied without reading the store; any other notice, a skipped
 * version or an unusable change makes the node reload the whole state from the store.
 */
import { randomBytes } from 'node:crypto';
import { MAX_CHANGE, type Bus, type BusMessage, type VersionNotice } from '../bus/types.js';
import type { Snapshot } from '../policy/snapshot.js';
import type { ControlState, Store } from '../store/types.js';
import { ackSigned, applyChange, CHANGE_KEY_META, decodeChange, encodeChange, signAck, type PolicyChange } from './policy-change.js';
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
  #state: ControlState | undefined;
  #snapshot: Snapshot | undefined;
  #confirmedAt = 0;
  #loading: Promise<void> | undefined;
  #wanted = 0;
  /** Key that signs the changes carried in notices; read from (or first written to) the store at start. */
  #changeKey: Buffer | undefined;
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
    const store = this.#o.store;
    const hex = (await store.getMeta(CHANGE_KEY_META)) ?? (await store.putMetaIfAbsent(CHANGE_KEY_META, randomBytes(32).toString('hex')));
    // A damaged key is not used: every change then goes the slow, safe way (a reload from the store).
    if (/^[0-9a-f]{64}$/.test(hex)) this.#changeKey = Buffer.from(hex, 'hex');
    else this.#o.onError?.(new Error(`store meta ${CHANGE_KEY_META} is not a 32-byte hex key; changes will be reloaded from the store`), 'start');
    await this.#o.bus.listenAs?.(this.#o.nodeId);
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
            this.#loaded(state);
          } else {
            version = await this.#o.store.getVersion();
            this.#confirmedAt = this.#o.now();
            if (version > current) this.#loaded(await this.#o.store.loadState());
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

  /** Swaps to `state` if it is newer than what is served; false when it is not. */
  #adopt(state: ControlState): boolean {
    const prev = this.#snapshot;
    if (prev && state.version <= prev.version) return false;
    const next = this.#o.build(state);
    this.#state = state;
    this.#snapshot = next;
    this.#o.onSwap?.(prev, next);
    return true;
  }

  /** A state read from the store: swap, acknowledge to everyone (whoever waits may have missed us on the bus), record it. */
  #loaded(state: ControlState): void {
    if (!this.#adopt(state)) return;
    this.#ack(undefined);
    void this.#heartbeat();
  }

  /** Applies a change on top of the state at `version - 1`; false when this node is not exactly there. */
  #applyChange(version: number, change: PolicyChange): boolean {
    const state = this.#state;
    if (!state || state.version !== version - 1) return false;
    return this.#adopt(applyChange(state, version, change));
  }

  #ack(to: string | undefined): void {
    const version = this.#snapshot?.version ?? 0;
    const node = this.#o.nodeId;
    const sig = this.#changeKey ? { sig: signAck(this.#changeKey, node, version) } : {};
    const msg: BusMessage = to === undefined ? { t: 'ack', node, version, ...sig } : { t: 'ack', node, version, to, ...sig };
    void this.#o.bus.publish(msg).catch((e: unknown) => this.#o.onError?.(e, 'ack'));
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
    if (m.t === 'ack') {
      for (const w of this.#ackWaiters) w(m);
      return;
    }
    if (m.from === this.#o.nodeId) return; // our own notice, back from the bus
    if (m.version <= (this.#snapshot?.version ?? 0)) {
      this.#ack(m.from);
      return;
    }
    if (m.change !== undefined && m.sig !== undefined && this.#changeKey && this.#state?.version === m.version - 1) {
      const change = decodeChange(this.#changeKey, m.version, m.change, m.sig);
      if (change && this.#applyChange(m.version, change)) {
        // The ack goes on the bus only: the periodic heartbeat records the applied version in the store within
        // heartbeatMs, which spares the store one write per node per change while every node applies it.
        this.#ack(m.from);
        return;
      }
      if (!change) this.#o.onError?.(new Error('change notice with a bad signature or body; reloading from the store'), 'notice');
    }
    void this.refresh(m.version).catch((e: unknown) => this.#o.onError?.(e, 'notice'));
  }

  #notice(version: number, change: PolicyChange | undefined): VersionNotice {
    const base = { t: 'version', version, from: this.#o.nodeId } as const;
    const enc = change && this.#changeKey ? encodeChange(this.#changeKey, version, change, MAX_CHANGE) : undefined;
    return enc ? { ...base, ...enc } : base;
  }

  /**
   * Publishes a new version (with the change that made it, when given and small enough) and waits until every live
   * node acknowledged it, or the timeout. Acks wake the wait directly; the store's applied versions are read only when
   * the bus is unhealthy or acks are still missing after 250 ms.
   */
  readonly propagate: Propagator = async (version, timeoutMs, change) => {
    const t0 = performance.now();
    const acked = new Set<string>();
    let live: ReadonlySet<string> | undefined;
    let wake: (() => void) | undefined;
    const allIn = (): boolean => live !== undefined && [...live].every((id) => acked.has(id));
    const waiter = (m: BusMessage): void => {
      if (m.t !== 'ack' || m.version < version) return;
      // Whoever can write to the bus must not be able to confirm for a node: with the key, only signed acks count
      // (an unsigned or forged one leaves the node to the store's applied versions, read after 250 ms).
      if (this.#changeKey && !ackSigned(this.#changeKey, m.node, m.version, m.sig)) return;
      acked.add(m.node);
      if (wake && allIn()) wake();
    };
    this.#ackWaiters.add(waiter);
    try {
      // Tell every node first; our own copy, the node list and their work then overlap.
      const published = this.#o.bus.publish(this.#notice(version, change));
      const listed = this.#o.store.listNodes();
      // Both are awaited below; a rejection meanwhile must not count as unhandled.
      published.catch(() => undefined);
      listed.catch(() => undefined);
      if (!(change && this.#applyChange(version, change))) await this.refresh(version);
      if ((this.#snapshot?.version ?? 0) >= version) acked.add(this.#o.nodeId);
      await published;
      const allNodes = await listed;
      const liveWindow = this.#o.liveWindowMs ?? 5_000;
      const now = this.#o.now();
      const nodes = allNodes.filter((n) => n.stoppedAt === null && now - n.heartbeatAt <= liveWindow);
      live = new Set([...nodes.map((n) => n.id), this.#o.nodeId]);
      for (const n of allNodes) if (n.appliedVersion >= version) acked.add(n.id);
      if (!allIn()) await this.#waitAcks(version, t0, t0 + timeoutMs, acked, allIn, (fn) => { wake = fn; });
      const all = [...live];
      const result: Propagation = {
        version,
        confirmed: all.filter((id) => acked.has(id)).sort(),
        missing: all.filter((id) => !acked.has(id)).sort(),
        elapsedMs: Math.round((performance.now() - t0) * 100) / 100,
      };
      return result;
    } finally {
      this.#ackWaiters.delete(waiter);
    }
  };

  /** Resolves when `allIn()` (an ack calls the function given to `setWake`), at the deadline, or when the store shows all. */
  async #waitAcks(version: number, t0: number, deadline: number, acked: Set<string>, allIn: () => boolean, setWake: (fn: (() => void) | undefined) => void): Promise<void> {
    await new Promise<void>((resolve) => {
      let storeTimer: NodeJS.Timeout | undefined;
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(deadlineTimer);
        clearTimeout(storeTimer);
        setWake(undefined);
        resolve();
      };
      const deadlineTimer = setTimeout(done, Math.max(0, deadline - performance.now()));
      setWake(done);
      // A node that missed the bus but polled the store also counts as confirmed.
      const checkStore = (): void => {
        void this.#o.store.listNodes().then((ns) => {
          for (const n of ns) if (n.appliedVersion >= version) acked.add(n.id);
        }, (e: unknown) => this.#o.onError?.(e, 'confirm from store')).then(() => {
          if (finished) return;
          if (allIn()) done();
          else storeTimer = setTimeout(checkStore, this.#o.bus.healthy() ? 100 : 20);
        });
      };
      storeTimer = setTimeout(checkStore, this.#o.bus.healthy() ? Math.max(0, t0 + 250 - performance.now()) : 20);
    });
  }
}
