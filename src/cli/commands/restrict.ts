/** @module `warden restrict|lift|restrictions|status`: the kill switch, with confirmed propagation. */
import type { Command } from 'commander';
import type { Restriction } from '../../core/types.js';
import type { Propagation } from '../../control/service.js';
import { adminCall, printJson, printTable, type GlobalOptions } from '../admin-client.js';
import { CliError } from '../cli-error.js';
import { addTargetOptions, connect } from '../control-target.js';

type Result = Restriction & Propagation;

const list = (v: string | undefined): string[] => (v === undefined ? [] : v.split(',').map((s) => s.trim()).filter(Boolean));

/** Accepts an ISO time or a duration like 30m, 2h, 1d. */
export function parseUntil(v: string, now: number): number {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(v.trim());
  if (m) return now + Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new CliError(`--until: expected an ISO time or a duration such as 30m, 2h, 1d; got "${v}"`, 2);
  return t;
}

function report(r: Result, verb: string): string {
  const lines = [
    `${verb} ${r.id} (${r.model}) at policy version ${r.version} in ${r.elapsedMs} ms.`,
    `  confirmed: ${r.confirmed.length > 0 ? r.confirmed.join(', ') : '-'}`,
  ];
  if (r.missing.length > 0) lines.push(`  MISSING:   ${r.missing.join(', ')}  (these nodes did not confirm in time; they fail closed once stale)`);
  return `${lines.join('\n')}\n`;
}

export function registerRestrict(program: Command): void {
  addTargetOptions(program.command('restrict').description('restrict a model everywhere (or in a scope) and wait until every node confirms').argument('<model>', 'model id, glob such as "claude-3-*", or "*"'))
    .requiredOption('--reason <text>', 'why (recorded and shown to callers)')
    .option('--region <list>', 'only in these regions (comma-separated)')
    .option('--tenant <list>', 'only for these tenants')
    .option('--key <list>', 'only for these key ids')
    .option('--fallback <model>', 'route requests to this model instead of refusing them')
    .option('--until <time>', 'expires at an ISO time or after a duration (30m, 2h, 1d)')
    .option('--incident <id>', 'incident this restriction belongs to')
    .option('--terminate-in-flight', 'end open streams of the model at once')
    .option('--timeout <ms>', 'how long to wait for confirmations (default 2000)')
    .action(async (model: string, opts: GlobalOptions & { reason: string; region?: string; tenant?: string; key?: string; fallback?: string; until?: string; incident?: string; terminateInFlight?: boolean; timeout?: string }) => {
      const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout);
      if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000)) throw new CliError('--timeout: 1 to 60000 ms', 2);
      const body = {
        model, reason: opts.reason, regions: list(opts.region), tenants: list(opts.tenant), keys: list(opts.key),
        fallback: opts.fallback, expiresAt: opts.until === undefined ? undefined : parseUntil(opts.until, Date.now()),
        incident: opts.incident, terminateInFlight: opts.terminateInFlight === true, timeoutMs,
      };
      const via = await connect(opts);
      const r = via.kind === 'server'
        ? await adminCall<Result>(via.target, 'POST', '/admin/restrictions', body)
        : await via.control.restrict({ ...body, scope: { regions: body.regions, tenants: body.tenants, keys: body.keys } }, `cli:${process.env.USER ?? 'local'}`).finally(() => via.close());
      if (opts.json) return printJson(r);
      process.stdout.write(report(r, 'Restricted'));
    });

  addTargetOptions(program.command('lift').description('lift a restriction and wait until every node confirms').argument('<id>'))
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, opts: GlobalOptions & { reason: string }) => {
      const via = await connect(opts);
      const r = via.kind === 'server'
        ? await adminCall<Result>(via.target, 'POST', `/admin/restrictions/${encodeURIComponent(id)}/lift`, { reason: opts.reason })
        : await via.control.lift(id, opts.reason, `cli:${process.env.USER ?? 'local'}`).finally(() => via.close());
      if (opts.json) return printJson(r);
      process.stdout.write(report(r, 'Lifted'));
    });

  addTargetOptions(program.command('restrictions').description('list restrictions'))
    .option('--all', 'include lifted ones')
    .action(async (opts: GlobalOptions & { all?: boolean }) => {
      const via = await connect(opts);
      const rs = via.kind === 'server'
        ? (await adminCall<{ restrictions: Restriction[] }>(via.target, 'GET', `/admin/restrictions${opts.all ? '?all=true' : ''}`)).restrictions
        : await via.control.listRestrictions(opts.all === true).finally(() => via.close());
      if (opts.json) return printJson({ restrictions: rs });
      const now = Date.now();
      printTable(rs.map((r) => ({
        id: r.id, model: r.model, action: r.action.kind === 'deny' ? 'deny' : `fallback:${r.action.model}`,
        scope: [...(r.scope.regions ?? []).map((x) => `region:${x}`), ...(r.scope.tenants ?? []).map((x) => `tenant:${x}`), ...(r.scope.keys ?? []).map((x) => `key:${x}`)],
        state: r.liftedAt ? 'lifted' : r.expiresAt !== null && r.expiresAt <= now ? 'expired' : 'active',
        expires: r.expiresAt ? new Date(r.expiresAt).toISOString() : null, reason: r.reason,
      })), ['id', 'model', 'action', 'scope', 'state', 'expires', 'reason']);
    });

  addTargetOptions(program.command('status').description('every node: region, applied policy version, lag, last heartbeat'))
    .action(async (opts: GlobalOptions) => {
      const via = await connect(opts);
      if (via.kind !== 'server') {
        await via.close();
        throw new CliError('status needs a running Warden (pass --url and --admin-token)');
      }
      const s = await adminCall<{ version: number; nodes: { id: string; region: string; appliedVersion: number; heartbeatAt: number; stoppedAt: number | null }[] }>(via.target, 'GET', '/admin/status');
      if (opts.json) return printJson(s);
      const now = Date.now();
      process.stdout.write(`Policy version ${s.version}\n`);
      printTable(s.nodes.map((n) => ({
        node: n.id, region: n.region, version: n.appliedVersion, lag: s.version - n.appliedVersion,
        heartbeat: n.stoppedAt ? 'stopped' : `${Math.round((now - n.heartbeatAt) / 100) / 10}s ago`,
      })), ['node', 'region', 'version', 'lag', 'heartbeat']);
    });
}
