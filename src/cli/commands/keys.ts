/** @module `warden keys create|list|revoke`: API keys per tenant; a new key is printed once. */
import type { Command } from 'commander';
import { adminCall, printJson, printTable, type GlobalOptions } from '../admin-client.js';
import { CliError } from '../cli-error.js';
import { addTargetOptions, connect } from '../control-target.js';

type KeyView = { id: string; tenant: string; name: string | null; prefix: string; models: string[] | null; rpm: number | null; createdAt: number; revokedAt: number | null };

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys');

  addTargetOptions(keys.command('create').description('create an API key (printed once)'))
    .requiredOption('--tenant <tenant>', 'tenant the key belongs to')
    .option('--models <list>', 'comma-separated models the key may use (default: all)')
    .option('--rpm <n>', 'requests per minute (default: unlimited)')
    .option('--name <name>', 'a label for the key')
    .action(async (opts: GlobalOptions & { tenant: string; models?: string; rpm?: string; name?: string }) => {
      const rpm = opts.rpm === undefined ? undefined : Number(opts.rpm);
      if (rpm !== undefined && (!Number.isInteger(rpm) || rpm < 1)) throw new CliError('--rpm: expected a positive whole number', 2);
      const input = { tenant: opts.tenant, name: opts.name, models: opts.models?.split(',').map((s) => s.trim()).filter(Boolean), rpm };
      const via = await connect(opts);
      const created = via.kind === 'server'
        ? await adminCall<KeyView & { key: string }>(via.target, 'POST', '/admin/keys', input)
        : await via.control.createKey(input, `cli:${process.env.USER ?? 'local'}`).finally(() => via.close());
      if (opts.json) return printJson({ id: created.id, key: created.key, tenant: created.tenant, models: created.models, rpm: created.rpm });
      process.stdout.write(`Created key ${created.id} for tenant ${created.tenant}.\n\n  ${created.key}\n\nIt is shown only now; Warden stores its hash.\n`);
    });

  addTargetOptions(keys.command('list').description('list API keys (never the keys themselves)'))
    .action(async (opts: GlobalOptions) => {
      const via = await connect(opts);
      const list = via.kind === 'server'
        ? (await adminCall<{ keys: KeyView[] }>(via.target, 'GET', '/admin/keys')).keys
        : ((await via.control.listKeys().finally(() => via.close())) as KeyView[]);
      if (opts.json) return printJson({ keys: list });
      printTable(list.map((k) => ({ ...k, created: new Date(k.createdAt).toISOString(), revoked: k.revokedAt ? new Date(k.revokedAt).toISOString() : null })),
        ['id', 'tenant', 'prefix', 'models', 'rpm', 'created', 'revoked']);
    });

  addTargetOptions(keys.command('revoke').description('revoke an API key').argument('<id>'))
    .action(async (id: string, opts: GlobalOptions) => {
      const via = await connect(opts);
      const r = via.kind === 'server'
        ? await adminCall<KeyView>(via.target, 'POST', `/admin/keys/${encodeURIComponent(id)}/revoke`, {})
        : await via.control.revokeKey(id, `cli:${process.env.USER ?? 'local'}`).finally(() => via.close());
      if (opts.json) return printJson(r);
      process.stdout.write(`Revoked key ${r.id} (tenant ${r.tenant}).\n`);
    });
}
