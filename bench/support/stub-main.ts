/** @module Entry point of the stub upstream as its own process: prints `{"port":N}` once it listens, stops on SIGTERM. */
import { startStub } from './stub-upstream.js';

const stub = await startStub(Number(process.argv[2] ?? '0'));
process.stdout.write(`${JSON.stringify({ port: stub.port })}\n`);
const stop = (): void => {
  void stub.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
