/**
 * @module Bus for a cluster node that has no cross-process transport (PostgreSQL without Redis): delivers only within
 * the process and reports itself unhealthy, so the node agent confirms other nodes by reading the store instead.
 */
import { LocalBus } from './local-bus.js';

export class PollOnlyBus extends LocalBus {
  /** Always false: other nodes never hear this bus; they learn new versions by polling the store. */
  override healthy(): boolean {
    return false;
  }
}
