/** @module Starts one of the audit room's worker threads, from built code or, through thread-entry-dev.mjs, from source. */
import { Worker } from 'node:worker_threads';

export type AuditThread = 'writer-thread' | 'verify-thread';

export function startThread(entry: AuditThread, data: object): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData: data });
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  return new Worker(new URL('./thread-entry-dev.mjs', import.meta.url), { workerData: { ...data, entry: source } });
}
