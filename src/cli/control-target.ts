/** @module Runs a control-plane command against the running Warden (admin API) or, when none answers, the data directory. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createAuditLog } from '../audit/audit-log.js';
import { createSqliteAuditBackend } from '../store/sqlite/audit-sqlite.js';
import { auditControlChanges } from '../control/control-audit.js';
import { ControlService, type Propagation } from '../control/service.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { isServerUp, resolveTarget, type GlobalOptions, type Target } from './admin-client.js';

export type Via = { readonly kind: 'server'; readonly target: Target } | { readonly kind: 'local'; readonly control: ControlService; close(): Promise<void> };

export async function connect(opts: GlobalOptions): Promise<Via> {
  const target = resolveTarget(opts, process.env);
  if (opts.data === undefined && (await isServerUp(target))) return { kind: 'server', target };
  if (opts.url !== undefined && opts.data === undefined) return { kind: 'server', target };
  const dataDir = resolve(opts.data ?? (process.env.WARDEN_DATA || '.warden'));
  const store = createSqliteStore(dataDir);
  // No server runs: the change is durable in the data directory and every node loads it at start.
  const propagate = async (version: number): Promise<Propagation> => ({ version, confirmed: [], missing: [], elapsedMs: 0 });
  // Changes made here are audited in the CLI's own chain, durable before the command returns.
  const backend = createSqliteAuditBackend(dataDir);
  const audit = createAuditLog({ backend, nodeId: `${hostname()}-cli` });
  const control = new ControlService({
    store, propagate, now: Date.now, knownModels: () => undefined,
    audit: auditControlChanges(audit),
  });
  return {
    kind: 'local', control,
    close: async () => {
      await audit.close();
      await backend.close();
      await store.close();
    },
  };
}

export function addTargetOptions<T extends { option(flags: string, desc: string): T }>(cmd: T): T {
  return cmd
    .option('--url <url>', 'Warden to talk to (env WARDEN_URL, default http://127.0.0.1:8787)')
    .option('--admin-token <token>', 'admin token (env WARDEN_ADMIN_TOKEN)')
    .option('--data <dir>', 'act on this data directory directly instead of a running server')
    .option('--json', 'print JSON');
}
