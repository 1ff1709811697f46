// Entry of the audit threads when Warden runs from source (vitest, tsx): a worker thread does not inherit the
// parent's module hooks on Node 20, so it registers tsx itself (a dev dependency) and then loads the TypeScript
// entry named in workerData.entry. Built code (dist/) starts the .js entries directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
