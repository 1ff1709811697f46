/** @module `warden start`: serve the gateway. */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { serve } from '../serve.js';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${name}: expected a whole number, got "${v}"`, 2);
    return n;
  };
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the gateway (embedded SQLite by default)')
    .option('--config <file>', 'YAML configuration file (env WARDEN_CONFIG)')
    .option('--host <host>', 'address to listen on (env WARDEN_HOST, default 127.0.0.1)')
    .option('--port <n>', 'port to listen on (env WARDEN_PORT, default 8787)', int('--port'))
    .option('--data <dir>', 'data directory (env WARDEN_DATA, default ./.warden)')
    .option('--workers <n>', 'gateway processes sharing the port (default: one per core)', int('--workers'))
    .option('--region <name>', 'region of this node (env WARDEN_REGION)')
    .option('--store <url>', 'cluster store: postgres://… (env WARDEN_STORE)')
    .option('--bus <url>', 'cluster bus: redis://… (env WARDEN_BUS)')
    .option('--node-id <id>', 'stable id of this node (env WARDEN_NODE_ID; default: host and port)')
    .action(async (opts: { config?: string; host?: string; port?: number; data?: string; workers?: number; region?: string; store?: string; bus?: string; nodeId?: string }) => {
      await serve(opts);
    });
}
