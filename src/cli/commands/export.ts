/** @module `warden export`: writes a regulator evidence pack that `warden audit verify --pack` checks offline. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeEvidencePack } from '../../audit/export/pack-writer.js';
import { hasNodeKeys, loadNodeKeys } from '../../audit/keys.js';
import { sealChains } from '../../audit/seal.js';
import { IncidentService } from '../../control/incidents.js';
import type { Store } from '../../store/types.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { adminCall, isServerUp, printJson, resolveTarget } from '../admin-client.js';
import { CliError } from '../cli-error.js';
import { addStoreOptions, openAuditStore, parseTime, type AuditStoreOptions } from './audit.js';

export function registerExport(program: Command): void {
  addStoreOptions(program.command('export').description('write an evidence pack: signed audit events, checkpoints, keys, incidents, restriction history, monitoring summary'))
    .requiredOption('--out <dir>', 'new (or empty) directory for the pack')
    .option('--from <time>', 'period start (ISO date or time)')
    .option('--to <time>', 'period end (ISO date or time)')
    .option('--url <url>', 'running Warden to ask for a fresh checkpoint first (env WARDEN_URL)')
    .option('--admin-token <token>', 'its admin token (env WARDEN_ADMIN_TOKEN)')
    .action(async (opts: AuditStoreOptions & { out: string; from?: string; to?: string; url?: string; adminToken?: string }) => {
      const fromMs = parseTime(opts.from, '--from');
      const toMs = parseTime(opts.to, '--to');
      if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new CliError('--from is after --to', 2);
      const target = resolveTarget(opts, process.env);
      // Best effort: a running node signs its newest events, so they can go into the pack.
      if (target.adminToken && (await isServerUp(target))) await adminCall(target, 'POST', '/admin/audit/checkpoint', {}).catch(() => undefined);
      const a = await openAuditStore(opts);
      let store: Store | undefined;
      try {
        const now = Date.now();
        const { sealed, damaged } = await sealChains(a.backend, now);
        if (a.kind === 'sqlite') store = createSqliteStore(a.dataDir);
        else if (opts.store ?? process.env.WARDEN_STORE) {
          const { createPostgresStore } = await import('../../store/postgres/postgres-store.js');
          store = await createPostgresStore((opts.store ?? process.env.WARDEN_STORE) as string);
        }
        const incidents = await new IncidentService({ backend: a.backend, clock: () => now, ...(store ? { restrictions: store } : {}) }).list();
        const restrictions = store ? await store.listRestrictions({ includeLifted: true }) : [];
        const changes = store ? await store.listChanges(0, 10_000_000) : [];
        const chains = await a.backend.listChains();
        const signers = chains.filter((c) => hasNodeKeys(a.dataDir, c)).map((c) => loadNodeKeys(a.dataDir, c, false));
        const out = resolve(opts.out);
        const r = await writeEvidencePack({
          backend: a.backend, out, now, incidents, restrictions, changes, signers,
          ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }),
        }).catch((err: unknown) => {
          throw new CliError(err instanceof Error ? err.message : String(err));
        });
        const events = r.manifest.chains.reduce((n, c) => n + c.events, 0);
        const leftOut = r.manifest.chains.reduce((n, c) => n + c.unsignedLeftOut, 0);
        if (opts.json) return printJson({ out, events, chains: r.manifest.chains, sealed, damaged, incidents: incidents.length });
        process.stdout.write(`Evidence pack written to ${out}\n  ${events} events in ${r.manifest.chains.length} chain(s), ${incidents.length} incident(s), ${restrictions.length} restriction(s)\n`);
        if (leftOut > 0) process.stdout.write(`  ${leftOut} newest event(s) are not signed yet and were left out (their node signs them within seconds)\n`);
        if (damaged.length > 0) process.stdout.write(`  WARNING: chain(s) ${damaged.join(', ')} do not verify at their tail; run \`warden audit verify\`\n`);
        process.stdout.write(`  check it with: warden audit verify --pack ${out}\n`);
      } finally {
        await store?.close();
        await a.close();
      }
    });
}
