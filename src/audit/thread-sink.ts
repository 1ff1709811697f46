/** @module The audit log's side of its writer thread: hands batches over a message port, restarts the thread if it dies. */
import type { Worker } from 'node:worker_threads';
import type { BackendThreadSpec } from './backend.js';
import type { ChainSink, SinkState } from './chain-sink.js';
import type { BatchResult, Prepared, TailProblem } from './chain-writer.js';
import type { CheckpointReason } from './checkpoint.js';
import { GENESIS_PREV } from './event.js';
import { startThread } from './start-thread.js';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.js';

type Pending = { readonly resolve: (m: FromWriter) => void; readonly reject: (err: unknown) => void };


/** UTF-8 of every payload back to back in one buffer of its own (transferable), with byte lengths and times. */
function pack(items: readonly Prepared[]): { bytes: ArrayBuffer; lengths: Uint32Array; ats: Float64Array } {
  let chars = 0;
  for (const it of items) chars += it.json.length;
  // Canonical payloads are nearly always ASCII (one byte per UTF-16 unit); the buffer grows for the rest.
  let buf = Buffer.allocUnsafeSlow(chars + 64);
  const lengths = new Uint32Array(items.length);
  const ats = new Float64Array(items.length);
  let off = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as Prepared;
    if (buf.length - off < it.json.length * 3) {
      const need = off + Buffer.byteLength(it.json, 'utf8');
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(need, buf.length * 2));
        buf.copy(bigger, 0, 0, off);
        buf = bigger;
      }
    }
    const n = buf.write(it.json, off, 'utf8');
    lengths[i] = n;
    ats[i] = it.at;
    off += n;
  }
  return { bytes: buf.buffer as ArrayBuffer, lengths, ats };
}

/**
 * Appends on a writer thread: the request thread only queues and encodes; linking, hashing, Merkle
 * frontier, signing and the store transaction run on the other core. Two batches may be in flight, so the
 * thread starts on the next while the log encodes the one after.
 */
export class ThreadSink implements ChainSink {
  readonly depth = 2;
  readonly #data: WriterData;
  readonly #pending = new Map<number, Pending>();
  /** The thread started last, opened or still opening (what a death notice is checked against). */
  #worker: Worker | undefined;
  /** The thread once it has loaded the chain: batches go straight to it. */
  #opened: Worker | undefined;
  #starting: Promise<Worker> | undefined;
  #nextId = 1;
  #gen = 0;
  #closed = false;
  #state: SinkState = { head: { seq: 0, hash: GENESIS_PREV }, lastCheckpoint: { size: 0, at: 0 }, tailProblem: undefined };

  constructor(spec: BackendThreadSpec, chain: string, dataDir: string, every: number) {
    this.#data = { spec, chain, dataDir, every };
  }

  get state(): SinkState {
    return this.#state;
  }

  async open(now: number): Promise<TailProblem | undefined> {
    await this.#ensure(now);
    return this.#state.tailProblem;
  }

  async append(items: readonly Prepared[], forced: CheckpointReason | undefined, now: number): Promise<BatchResult> {
    const gen = this.#gen;
    // While a thread opens, every batch waits for it, so they reach it in the order they were handed over.
    const w = this.#opened ?? await this.#ensure(now);
    const { bytes, lengths, ats } = pack(items);
    const reply = await this.#request(w, { type: 'append', id: this.#nextId++, gen, bytes, lengths, ats, forced, now }, [bytes, lengths.buffer as ArrayBuffer, ats.buffer as ArrayBuffer]);
    if (reply.type === 'appended') {
      this.#state = reply.state;
      return reply.result;
    }
    if (reply.type === 'failed') {
      this.#gen = Math.max(this.#gen, gen + 1);
      throw new Error(reply.message);
    }
    throw new Error('audit writer: batch not written because an earlier batch failed');
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    if (!w) return;
    await this.#request(w, { type: 'close', id: this.#nextId++ }).catch(() => undefined);
    this.#worker = undefined;
    this.#opened = undefined;
    await w.terminate();
  }

  /** The live thread, or a new one that has loaded the chain (a restarted thread reloads the head from the store). */
  #ensure(now: number): Promise<Worker> {
    if (this.#opened) return Promise.resolve(this.#opened);
    if (this.#closed) return Promise.reject(new Error('audit writer is closed'));
    this.#starting ??= (async () => {
      const w = startThread('writer-thread', this.#data);
      w.on('message', (m: FromWriter) => this.#settle(m));
      w.on('error', (err) => this.#lost(w, err));
      w.on('exit', (code) => this.#lost(w, new Error(`audit writer thread exited with code ${code}`)));
      w.unref();
      this.#worker = w;
      try {
        const reply = await this.#request(w, { type: 'open', id: this.#nextId++, now });
        if (reply.type !== 'opened') throw new Error(reply.type === 'failed' ? reply.message : `audit writer: unexpected ${reply.type}`);
        this.#state = reply.state;
        this.#opened = w;
        return w;
      } catch (err) {
        if (this.#worker === w) this.#worker = undefined;
        await w.terminate();
        throw err;
      } finally {
        this.#starting = undefined;
      }
    })();
    return this.#starting;
  }

  #request(w: Worker, m: ToWriter, transfer: ArrayBuffer[] = []): Promise<FromWriter> {
    return new Promise((resolve, reject) => {
      // Referenced only while a reply is awaited: an idle log must not keep the process alive.
      if (this.#pending.size === 0) w.ref();
      this.#pending.set(m.id, { resolve, reject });
      w.postMessage(m, transfer);
    });
  }

  #settle(m: FromWriter): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    p.resolve(m);
  }

  /**
   * The thread died: fail everything unacknowledged, so the log queues it again. One transaction per batch, so
   * nothing is half written; a batch committed in the instant between its commit and its reply is written a
   * second time (recorded twice, never lost).
   */
  #lost(w: Worker, err: unknown): void {
    if (this.#worker !== w) return;
    this.#worker = undefined;
    this.#opened = undefined;
    this.#gen++;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(err);
  }
}
