/**
 * @module The Bus contract: change notices (a new policy version, optionally carrying the change itself) and
 * acknowledgements (node N applied version V).
 */
/** A notice may carry one encoded change (a restriction with its reason and scope); a larger one goes without it. */
export const MAX_CHANGE = 12 * 1024;

export type VersionNotice = {
  readonly t: 'version';
  readonly version: number;
  /** The node that made the change and waits for the acknowledgements; acks go to it alone where the bus can address. */
  readonly from?: string;
  /** The change from `version - 1` to `version`, encoded and signed by the control plane (opaque to the bus). */
  readonly change?: string;
  readonly sig?: string;
};

export type Ack = {
  readonly t: 'ack';
  readonly node: string;
  readonly version: number;
  /** The node waiting for this ack; a bus that can address delivers it to that node only, others broadcast it. */
  readonly to?: string;
  /** HMAC of node and version with the control plane's key (opaque to the bus): an ack only a node could send. */
  readonly sig?: string;
};

export type BusMessage = VersionNotice | Ack;

export interface Bus {
  publish(msg: BusMessage): Promise<void>;
  subscribe(fn: (msg: BusMessage) => void): () => void;
  /**
   * Also deliver the acks addressed to `nodeId` (Redis: a channel of its own, so the other nodes are not woken by
   * every ack). Buses that broadcast everything need not implement it.
   */
  listenAs?(nodeId: string): Promise<void>;
  /** True while the bus can carry messages (a Redis bus that lost its server says false). */
  healthy(): boolean;
  close(): Promise<void>;
}
