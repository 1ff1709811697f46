/** @module The `warden` command: parses arguments, runs one command, and is the only place that calls process.exit. */
import { Command, CommanderError } from 'commander';
import { GatewayError } from '../core/errors.js';
import { CliError } from './cli-error.js';
import { commands } from './commands/index.js';

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('warden')
    .description('Warden: security gateway and control plane for large language models')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  await program.parseAsync(argv as string[]);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError) {
    process.stderr.write(`warden: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof GatewayError) {
    process.stderr.write(`warden: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`warden: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.WARDEN_DEBUG) console.error(err);
  process.exit(1);
});
