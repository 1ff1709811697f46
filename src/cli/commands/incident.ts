/** @module `warden incident open|update|resolve|list|show`: incidents with timelines and Art. 73 deadlines. */
import type { Command } from 'commander';
import { createAuditLog } from '../../audit/audit-log.js';
import { IncidentService, type IncidentView } from '../../control/incidents.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { adminCall, isServerUp, printJson, printTable, resolveTarget, type GlobalOptions } from '../admin-client.js';
import { CliError } from '../cli-error.js';
import { openAuditStore, parseTime } from './audit.js';

type Opts = GlobalOptions & { store?: string };

/** Runs `server` against a running Warden, else `local` on the data directory (with incident changes audited on the `cli` chain). */
async function run<T>(opts: Opts, server: (call: <R>(m: 'GET' | 'POST', p: string, b?: unknown) => Promise<R>) => Promise<T>, local: (svc: IncidentService) => Promise<T>): Promise<T> {
  const target = resolveTarget(opts, process.env);
  if (opts.data === undefined && opts.store === undefined && (opts.url !== undefined || (await isServerUp(target)))) {
    return server((m, p, b) => adminCall(target, m, p, b));
  }
  const a = await openAuditStore(opts, false);
  const store = a.kind === 'sqlite' ? createSqliteStore(a.dataDir) : undefined;
  const audit = createAuditLog({ backend: a.backend, nodeId: 'cli' });
  try {
    return await local(new IncidentService({ backend: a.backend, clock: Date.now, audit, ...(store ? { restrictions: store } : {}) }));
  } finally {
    await audit.close();
    await store?.close();
    await a.close();
  }
}

const who = (): string => `cli:${process.env.USER ?? 'local'}`;

function show(i: IncidentView, json: boolean | undefined): void {
  if (json) return printJson(i);
  const lines = [
    `${i.id}  ${i.title}`,
    `  severity ${i.severity}${i.model ? `, model ${i.model}` : ''}, ${i.status}${i.resolvedAt ? ` at ${new Date(i.resolvedAt).toISOString()}` : ''}`,
    `  detected ${new Date(i.detectedAt).toISOString()}, opened by ${i.openedBy}`,
    i.deadline ? `  serious (${i.serious}): report by ${i.deadline.reportBy} — ${i.deadline.basis}${i.deadline.overdue ? '  OVERDUE' : ''}` : '  not a serious incident (no Art. 73 deadline)',
    ...(i.restrictions.length > 0 ? [`  restrictions: ${i.restrictions.map((r) => `${r.id} (${r.model}${r.liftedAt ? ', lifted' : ''})`).join(', ')}`] : []),
    '  timeline:',
    ...i.timeline.map((t) => `    ${new Date(t.at).toISOString()}  ${t.kind.padEnd(8)} ${t.actor}${t.note ? `: ${t.note}` : ''}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function common<T extends { option(flags: string, desc: string): T }>(cmd: T): T {
  return cmd
    .option('--url <url>', 'Warden to talk to (env WARDEN_URL)')
    .option('--admin-token <token>', 'admin token (env WARDEN_ADMIN_TOKEN)')
    .option('--data <dir>', 'act on this data directory directly')
    .option('--store <url>', 'PostgreSQL store URL (cluster mode, no server)')
    .option('--json', 'print JSON');
}

export function registerIncident(program: Command): void {
  const inc = program.command('incident').description('incidents: open, update, resolve, list (EU AI Act Art. 73 deadlines)');

  common(inc.command('open').description('open an incident'))
    .requiredOption('--title <text>', 'what happened')
    .requiredOption('--severity <level>', 'low | medium | high | critical')
    .option('--model <id>', 'model concerned')
    .option('--detected-at <time>', 'when it was detected (ISO; default now); the Art. 73 deadline runs from here')
    .option('--serious <kind>', 'serious incident: death | widespread | critical-infrastructure | other')
    .option('--note <text>', 'first timeline note')
    .action(async (opts: Opts & { title: string; severity: string; model?: string; detectedAt?: string; serious?: string; note?: string }) => {
      const detectedAt = parseTime(opts.detectedAt, '--detected-at');
      const body = {
        title: opts.title, severity: opts.severity, ...(opts.model ? { model: opts.model } : {}), ...(opts.serious ? { serious: opts.serious } : {}),
        ...(detectedAt === undefined ? {} : { detectedAt }), ...(opts.note ? { note: opts.note } : {}),
      };
      show(await run(opts, (call) => call<IncidentView>('POST', '/admin/incidents', body), (svc) => svc.open({ ...body, actor: who() })), opts.json);
    });

  common(inc.command('update').description('add a note or change fields').argument('<id>'))
    .option('--note <text>', 'timeline note')
    .option('--title <text>', 'new title')
    .option('--severity <level>', 'new severity')
    .option('--model <id>', 'model concerned')
    .option('--serious <kind>', 'death | widespread | critical-infrastructure | other | none')
    .option('--detected-at <time>', 'corrected detection time (ISO)')
    .action(async (id: string, opts: Opts & { note?: string; title?: string; severity?: string; model?: string; serious?: string; detectedAt?: string }) => {
      const detectedAt = parseTime(opts.detectedAt, '--detected-at');
      const body = {
        ...(opts.note ? { note: opts.note } : {}), ...(opts.title ? { title: opts.title } : {}), ...(opts.severity ? { severity: opts.severity } : {}),
        ...(opts.model ? { model: opts.model } : {}), ...(opts.serious ? { serious: opts.serious } : {}), ...(detectedAt === undefined ? {} : { detectedAt }),
      };
      if (Object.keys(body).length === 0) throw new CliError('nothing to update: give --note or a field', 2);
      show(await run(opts, (call) => call<IncidentView>('POST', `/admin/incidents/${encodeURIComponent(id)}/update`, body), (svc) => svc.update(id, { ...body, actor: who() })), opts.json);
    });

  common(inc.command('resolve').description('resolve an incident').argument('<id>'))
    .option('--note <text>', 'resolution note')
    .action(async (id: string, opts: Opts & { note?: string }) => {
      const body = opts.note ? { note: opts.note } : {};
      show(await run(opts, (call) => call<IncidentView>('POST', `/admin/incidents/${encodeURIComponent(id)}/resolve`, body), (svc) => svc.resolve(id, { ...body, actor: who() })), opts.json);
    });

  common(inc.command('show').description('one incident with its timeline').argument('<id>'))
    .action(async (id: string, opts: Opts) => {
      show(await run(opts, (call) => call<IncidentView>('GET', `/admin/incidents/${encodeURIComponent(id)}`), (svc) => svc.get(id)), opts.json);
    });

  common(inc.command('list').description('list incidents'))
    .option('--status <status>', 'open | resolved')
    .action(async (opts: Opts & { status?: string }) => {
      if (opts.status !== undefined && opts.status !== 'open' && opts.status !== 'resolved') throw new CliError('--status: open or resolved', 2);
      const status = opts.status as 'open' | 'resolved' | undefined;
      const list = await run(opts,
        async (call) => (await call<{ incidents: IncidentView[] }>('GET', `/admin/incidents${status ? `?status=${status}` : ''}`)).incidents,
        (svc) => svc.list(status ? { status } : {}));
      if (opts.json) return printJson({ incidents: list });
      printTable(list.map((i) => ({
        id: i.id, severity: i.severity, status: i.status, model: i.model, serious: i.serious,
        reportBy: i.deadline ? `${i.deadline.reportBy.slice(0, 16)}${i.deadline.overdue ? ' OVERDUE' : ''}` : null, title: i.title,
      })), ['id', 'severity', 'status', 'model', 'serious', 'reportBy', 'title']);
    });
}
