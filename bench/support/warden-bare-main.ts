/**
 * @module Diagnostic target `warden-bare`: Warden's gateway (createApp) in one process without the optional rooms
 * that `warden start` wires in (the audit log), so the benchmark can tell the core's cost from theirs.
 * Runs the TypeScript sources through tsx; prints `{"port":N}` once it listens.
 */
import { hostname } from 'node:os';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { openStore } from '../../src/cli/serve.js';

const [configFile, port, dataDir] = process.argv.slice(2);
const config = loadConfig({ config: configFile, port: Number(port), data: dataDir, workers: 1 }, process.env);
const store = await openStore(config);
const app = await createApp(config, { store, nodeId: `${hostname()}-bare` });
await app.listen();
process.stdout.write(`${JSON.stringify({ port: config.port })}\n`);
const stop = (): void => {
  void app.close().then(() => store.close()).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
