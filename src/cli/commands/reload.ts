/** @module `warden reload`: a running Warden re-reads its configuration; guard policies change without a restart. */
import type { Command } from 'commander';
import type { ReloadReport } from '../../reload.js';
import { adminCall, printJson, resolveTarget, type GlobalOptions } from '../admin-client.js';

export function registerReload(program: Command): void {
  program.command('reload')
    .description('make a running Warden re-read its config file: guard policies change at once, other changes are named as needing a restart (also: SIGHUP)')
    .option('--url <url>', 'Warden to talk to (env WARDEN_URL, default http://127.0.0.1:8787)')
    .option('--admin-token <token>', 'admin token (env WARDEN_ADMIN_TOKEN)')
    .option('--json', 'print JSON')
    .action(async (opts: GlobalOptions) => {
      const r = await adminCall<ReloadReport>(resolveTarget(opts, process.env), 'POST', '/admin/config/reload', {});
      if (opts.json) return printJson(r);
      const lines = [
        `Reloaded ${r.file ?? 'the configuration (no config file: flags and environment)'} on ${r.node}: guard policies ${r.guardsChanged ? 'changed' : 'unchanged'}.`,
        ...(r.restartNeeded.length > 0 ? [`Changed but applied only at the next start: ${r.restartNeeded.join(', ')}.`] : []),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
