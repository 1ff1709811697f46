/** @module The Bus contract: change notices (a new policy version) and acknowledgements (node N applied version V). */
export type BusMessage =
  | { readonly t: 'version'; readonly version: number }
  | { readonly t: 'ack'; readonly node: string; readonly version: number };

export interface Bus {
  publish(msg: BusMessage): Promise<void>;
  subscribe(fn: (msg: BusMessage) => void): () => void;
  /** True while the bus can carry messages (a Redis bus that lost its server says false). */
  healthy(): boolean;
  close(): Promise<void>;
}
