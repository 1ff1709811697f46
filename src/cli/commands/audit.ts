/** @module `warden audit verify|head|prove|verify-proof|seal|prune`: check and anchor the tamper-evident audit log. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AuditBackend } from '../../audit/backend.js';
import { createAuditLog } from '../../audit/audit-log.js';
import { parseStatement, type CheckpointRow } from '../../audit/checkpoint.js';
import { parseEventId } from '../../audit/event.js';
import { verifyPack } from '../../audit/export/pack-verify.js';
import type { IncidentBackend } from '../../audit/incident-types.js';
import { hasNodeKeys } from '../../audit/keys.js';
import { buildProof, verifyProof } from '../../audit/proof.js';
import { sealChains } from '../../audit/seal.js';
import { verifyStore, type VerifyResult } from '../../audit/verify-store.js';
import { SQLITE_FILE } from '../../store/sqlite/open.js';
import { createSqliteAuditBackend } from '../../store/sqlite/audit-sqlite.js';
import { printJson } from '../admin-client.js';
import { CliError } from '../cli-error.js';

export type AuditStoreOptions = { data?: string; store?: string; json?: boolean };
export type OpenedAudit = { readonly backend: AuditBackend & IncidentBackend; readonly dataDir: string; readonly kind: 'sqlite' | 'postgres'; close(): Promise<void> };

/** The audit store of a data directory (SQLite) or of `--store postgres://…` / WARDEN_STORE. */
export async function openAuditStore(opts: AuditStoreOptions, mustExist = true): Promise<OpenedAudit> {
  const dataDir = resolve(opts.data ?? (process.env.WARDEN_DATA || '.warden'));
  const url = opts.store ?? (process.env.WARDEN_STORE || undefined);
  if (url?.startsWith('postgres')) {
    const { createPostgresAuditBackend } = await import('../../store/postgres/audit-postgres.js');
    const backend = await createPostgresAuditBackend(url, { dataDir });
    return { backend, dataDir, kind: 'postgres', close: () => backend.close() };
  }
  if (mustExist && !existsSync(join(dataDir, SQLITE_FILE))) throw new CliError(`no Warden data in ${dataDir} (pass --data DIR or set WARDEN_DATA)`);
  const backend = createSqliteAuditBackend(dataDir);
  return { backend, dataDir, kind: 'sqlite', close: () => backend.close() };
}

export function addStoreOptions<T extends { option(flags: string, desc: string): T }>(cmd: T): T {
  return cmd
    .option('--data <dir>', 'data directory (env WARDEN_DATA, default .warden)')
    .option('--store <url>', 'PostgreSQL store URL in cluster mode (env WARDEN_STORE)')
    .option('--json', 'print JSON (the last line)');
}

/** Accepts an ISO date/time or epoch milliseconds. */
export function parseTime(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d{10,16}$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(t)) throw new CliError(`${flag}: expected an ISO date or time, got "${v}"`, 2);
  return t;
}

/** Accepts 90d, 12h, 30m. */
function parseDuration(v: string): number {
  const m = /^(\d{1,6})(m|h|d)$/.exec(v.trim());
  if (!m) throw new CliError(`expected a duration such as 90d, 12h or 30m, got "${v}"`, 2);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

function report(r: VerifyResult, json: boolean | undefined): void {
  if (!json) {
    for (const c of r.chains) {
      process.stdout.write(`${c.ok ? 'ok  ' : 'BAD '} chain ${c.chain}: ${c.events} events (${c.firstSeq ?? '-'}..${c.lastSeq ?? '-'}), ${c.checkpoints} checkpoints, signed through ${c.signedThrough}${c.unsigned > 0 ? `, ${c.unsigned} not yet signed` : ''}\n`);
      if (c.problem) process.stdout.write(`     first bad event: ${c.problem.seq ?? '-'} (${c.problem.kind}): ${c.problem.message}\n`);
    }
    if (r.firstBad && r.firstBad.chain === '(pack)') process.stdout.write(`BAD  ${r.firstBad.message}\n`);
    process.stdout.write(`${r.ok ? 'OK' : 'FAILED'}: ${r.events} events verified in ${r.ms} ms\n`);
  }
  if (json) printJson(r);
  if (!r.ok) throw new CliError(`audit verification failed: ${r.firstBad?.message ?? 'unknown problem'}`, 1);
}

function readAnchors(file: string | undefined): CheckpointRow[] {
  if (file === undefined) return [];
  const v = JSON.parse(readFileSync(file, 'utf8')) as { checkpoints?: CheckpointRow[] } | CheckpointRow[];
  const list = Array.isArray(v) ? v : v.checkpoints ?? [];
  return list.filter((c) => parseStatement(c.statement) !== undefined);
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('tamper-evident audit log: verify, anchor, prove');

  addStoreOptions(audit.command('verify').description('check hash chains, Merkle roots and signatures; report the first bad event'))
    .option('--from <time>', 'only events from this time (ISO)')
    .option('--to <time>', 'only events up to this time (ISO)')
    .option('--pack <dir>', 'verify an evidence pack instead of the store')
    .option('--anchor <file>', 'checkpoints kept elsewhere (output of `warden audit head --json`) the log must still reach')
    .option('--trust <keyId...>', 'with --pack: key ids you hold independently; others fail')
    .action(async (opts: AuditStoreOptions & { from?: string; to?: string; pack?: string; anchor?: string; trust?: string[] }) => {
      if (opts.pack !== undefined) {
        if (!existsSync(join(opts.pack, 'manifest.json'))) throw new CliError(`${opts.pack} is not an evidence pack (no manifest.json)`);
        return report(await verifyPack(opts.pack, opts.trust ? { trust: opts.trust } : {}), opts.json);
      }
      const a = await openAuditStore(opts);
      try {
        const fromMs = parseTime(opts.from, '--from');
        const toMs = parseTime(opts.to, '--to');
        const anchors = readAnchors(opts.anchor);
        report(await verifyStore(a.backend, { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }), ...(anchors.length > 0 ? { anchors } : {}) }), opts.json);
      } finally {
        await a.close();
      }
    });

  addStoreOptions(audit.command('head').description('print the latest signed checkpoint of every chain (keep it elsewhere as an anchor)'))
    .action(async (opts: AuditStoreOptions) => {
      const a = await openAuditStore(opts);
      try {
        const keys = await a.backend.listKeys();
        const checkpoints: CheckpointRow[] = [];
        for (const chain of await a.backend.listChains()) {
          const last = (await a.backend.listCheckpoints(chain)).at(-1);
          if (last) checkpoints.push(last);
        }
        if (opts.json) return printJson({ checkpoints, keys: keys.filter((k) => checkpoints.some((c) => c.keyId === k.keyId)) });
        for (const c of checkpoints) {
          const st = parseStatement(c.statement);
          process.stdout.write(`chain ${c.chain}: size ${c.size}, root ${st?.root ?? '?'}, head ${st?.head ?? '?'}, at ${new Date(c.at).toISOString()}, key ${c.keyId}\n  statement ${c.statement}\n  signature ${c.signature}\n`);
        }
        if (checkpoints.length === 0) process.stdout.write('no signed checkpoints yet\n');
      } finally {
        await a.close();
      }
    });

  addStoreOptions(audit.command('prove').description('print an inclusion proof of one event against a signed checkpoint (JSON)').argument('<eventId>', 'CHAIN:SEQ, or SEQ when there is one chain'))
    .action(async (id: string, opts: AuditStoreOptions) => {
      const parsed = parseEventId(id);
      if (!parsed) throw new CliError(`event id: expected CHAIN:SEQ, got "${id}"`, 2);
      const a = await openAuditStore(opts);
      try {
        const chains = await a.backend.listChains();
        const chain = parsed.chain ?? (chains.length === 1 ? chains[0] : undefined);
        if (chain === undefined) throw new CliError(`several chains (${chains.join(', ')}): give the event as CHAIN:SEQ`, 2);
        printJson(await buildProof(a.backend, chain, parsed.seq).catch((err: unknown) => {
          throw new CliError(err instanceof Error ? err.message : String(err));
        }));
      } finally {
        await a.close();
      }
    });

  audit.command('verify-proof').description('check an inclusion proof offline').argument('<file>', 'proof JSON file, or - for stdin')
    .option('--trust <keyId...>', 'key ids you hold independently')
    .option('--json', 'print JSON')
    .action((file: string, opts: { trust?: string[]; json?: boolean }) => {
      const text = readFileSync(file === '-' ? 0 : file, 'utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new CliError(`${file}: not JSON`);
      }
      const r = verifyProof(value, opts.trust);
      if (opts.json) printJson(r);
      else process.stdout.write(r.ok ? `OK: event ${r.chain}:${r.seq} is in the signed tree of size ${r.treeSize}\n` : `FAILED: ${r.reason}\n`);
      if (!r.ok) throw new CliError(`proof does not verify: ${r.reason ?? ''}`, 1);
    });

  addStoreOptions(audit.command('seal').description('sign a checkpoint now at the head of every chain whose key is in this data directory'))
    .action(async (opts: AuditStoreOptions) => {
      const a = await openAuditStore(opts);
      try {
        const r = await sealChains(a.backend, Date.now());
        if (opts.json) return printJson(r);
        process.stdout.write(`sealed: ${r.sealed.join(', ') || 'nothing new'}\n`);
        if (r.damaged.length > 0) throw new CliError(`not sealed, the tail does not verify: ${r.damaged.join(', ')} (run warden audit verify)`);
      } finally {
        await a.close();
      }
    });

  addStoreOptions(audit.command('prune').description('delete events older than a period, through a signed retention event'))
    .requiredOption('--older-than <duration>', 'e.g. 365d')
    .requiredOption('--chain <id>', 'node chain to prune (its key must be in this data directory)')
    .action(async (opts: AuditStoreOptions & { olderThan: string; chain: string }) => {
      const a = await openAuditStore(opts);
      if (!hasNodeKeys(a.dataDir, opts.chain)) {
        await a.close();
        throw new CliError(`the signing key of chain ${opts.chain} is not in ${a.dataDir}; prune on that node (or through its admin API)`);
      }
      const log = createAuditLog({ backend: a.backend, nodeId: opts.chain });
      try {
        const r = await log.prune({ olderThanMs: parseDuration(opts.olderThan), actor: `cli:${process.env.USER ?? 'local'}` });
        if (opts.json) printJson(r ?? { deleted: 0 });
        else process.stdout.write(r ? `pruned ${r.deleted} events of ${r.chain} through ${r.prunedThrough} (retention event ${r.eventSeq})\n` : 'nothing old enough to prune\n');
      } finally {
        await log.close();
        await a.close();
      }
    });
}
