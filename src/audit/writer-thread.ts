/**
 * @module Entry of the audit writer thread: one chain's ChainWriter on its own store connection. It links,
 * hashes, signs and commits the batches the log hands over, so none of that runs on the request thread.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AuditBackend } from './backend.js';
import type { SinkState } from './chain-sink.js';
import { ChainWriter, type Prepared } from './chain-writer.js';
import { loadNodeKeys } from './keys.js';
import type { AppendRequest, FromWriter, ToWriter, WriterData } from './writer-protocol.js';

async function openBackend(data: WriterData): Promise<AuditBackend> {
  const mod = await import(data.spec.module) as Record<string, unknown>;
  const open = mod[data.spec.open];
  if (typeof open !== 'function') throw new Error(`audit writer: ${data.spec.module} exports no function ${data.spec.open}`);
  return await (open as (...args: readonly unknown[]) => AuditBackend | Promise<AuditBackend>)(...data.spec.args);
}

function unpack(m: AppendRequest): Prepared[] {
  const bytes = Buffer.from(m.bytes);
  const items = new Array<Prepared>(m.lengths.length);
  for (let i = 0, at = 0; i < items.length; i++) {
    const end = at + (m.lengths[i] as number);
    items[i] = { json: bytes.toString('utf8', at, end), at: m.ats[i] as number };
    at = end;
  }
  return items;
}

function serve(port: MessagePort, data: WriterData): void {
  const backend = openBackend(data);
  const writer = backend.then((b) => new ChainWriter(b, data.chain, loadNodeKeys(data.dataDir, data.chain)));
  let failedGen = -1;
  let turn: Promise<void> = Promise.resolve();
  const post = (m: FromWriter): void => port.postMessage(m);
  const stateOf = (w: ChainWriter): SinkState => ({ head: w.head, lastCheckpoint: w.lastCheckpoint, tailProblem: w.tailProblem });

  const handle = async (m: ToWriter): Promise<void> => {
    switch (m.type) {
      case 'open': {
        const w = await writer;
        const problem = await w.open(m.now);
        post({ type: 'opened', id: m.id, problem, state: stateOf(w) });
        return;
      }
      case 'append': {
        if (m.gen <= failedGen) {
          post({ type: 'skipped', id: m.id });
          return;
        }
        const w = await writer;
        const result = await w.appendBatch(unpack(m), m.forced, data.every, m.now);
        post({ type: 'appended', id: m.id, result, state: stateOf(w) });
        return;
      }
      case 'close': {
        await (await backend).close();
        post({ type: 'closed', id: m.id });
        port.close();
        return;
      }
    }
  };
  // One message at a time, in order: batches must reach the chain in the order they were queued.
  port.on('message', (m: ToWriter) => {
    turn = turn.then(() => handle(m)).catch((err: unknown) => {
      if (m.type === 'append') failedGen = Math.max(failedGen, m.gen);
      post({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) });
    });
  });
}

if (parentPort) serve(parentPort, workerData as WriterData);
