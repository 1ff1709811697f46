/** @module Wires the optional rooms (audit log, guardrails) into createApp's deps for one node. */
import type { AppDeps } from '../app.js';
import type { Config } from '../config/load-config.js';
import type { Store } from '../store/types.js';

export type Extensions = { readonly deps: Partial<AppDeps>; close(): Promise<void> };

export async function wireExtensions(_config: Config, _store: Store, _nodeId: string): Promise<Extensions> {
  return { deps: {}, close: async () => undefined };
}
