/** @module Verifies one chain as a stream: links, hashes, Merkle roots at every signed checkpoint, and truncation. */
import type { KeyObject } from 'node:crypto';
import { parseStatement, type CheckpointRow, type CheckpointStatement } from './checkpoint.js';
import { openEnvelope, sha256 } from './envelope.js';
import { GENESIS_PREV } from './event.js';
import { publicKeyObject, verifySignature, type PublicKeyRecord } from './keys.js';
import { Frontier } from './merkle.js';

export type ProblemKind =
  | 'modified' | 'missing' | 'inserted' | 'reordered' | 'truncated' | 'malformed' | 'signature' | 'root' | 'pruned' | 'unsigned';

export type VerifyProblem = { readonly chain: string; readonly seq: number | null; readonly kind: ProblemKind; readonly message: string };

export type ChainReport = {
  readonly chain: string;
  readonly ok: boolean;
  readonly events: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly checkpoints: number;
  /** Highest seq a valid signed checkpoint covers. */
  readonly signedThrough: number;
  /** Events after the last checkpoint: linked but not yet signed (their truncation cannot be detected). */
  readonly unsigned: number;
  readonly problem: VerifyProblem | null;
  /** Verify threads that checked the events, when more than this one did (verify-threads.ts). */
  readonly threads?: number;
};

export type ChainVerifierOptions = {
  /** First seq expected. 1 for a whole chain; otherwise a valid checkpoint at startSeq-1 must exist. */
  readonly startSeq: number;
  /** The chain starts after seq 1 because of pruning: a retention event in the chain must authorise it. */
  readonly requireRetention: boolean;
  /** Last seq to check; undefined = to the end of what is fed. */
  readonly endSeq?: number;
  /** Events after the last checkpoint make the chain fail (evidence packs must be fully signed). */
  readonly requireSigned?: boolean;
};

type GoodCheckpoint = { readonly size: number; readonly st: CheckpointStatement; readonly row: CheckpointRow };

export class ChainVerifier {
  readonly chain: string;
  readonly #opts: ChainVerifierOptions;
  readonly #byIndex = new Map<number, GoodCheckpoint>();
  readonly #sizes: number[] = [];
  #frontier = new Frontier();
  #prev = GENESIS_PREV;
  #next: number;
  #count = 0;
  #first: number | null = null;
  #problem: VerifyProblem | null = null;
  #signedThrough = 0;
  readonly #retention: { readonly seq: number; readonly through: number }[] = [];

  constructor(chain: string, keys: readonly PublicKeyRecord[], checkpoints: readonly CheckpointRow[], opts: ChainVerifierOptions) {
    this.chain = chain;
    this.#opts = opts;
    this.#next = opts.startSeq;
    const keyObjects = new Map<string, KeyObject>();
    for (const k of keys) if (k.chain === chain) keyObjects.set(k.keyId, publicKeyObject(k.publicKey));
    for (const row of checkpoints) {
      if (this.#problem) break;
      const st = parseStatement(row.statement);
      const key = st ? keyObjects.get(st.keyId) : undefined;
      if (!st || st.chain !== chain || st.size !== row.size) this.#fail(row.size, 'malformed', `checkpoint at size ${row.size} is malformed`);
      else if (!key) this.#fail(row.size, 'signature', `checkpoint at size ${row.size} is signed by unknown key ${st.keyId}`);
      else if (!verifySignature(key, row.statement, row.signature)) this.#fail(row.size, 'signature', `checkpoint at size ${row.size} has a bad signature`);
      else if (this.#byIndex.has(row.size) && this.#byIndex.get(row.size)?.st.root !== st.root) {
        this.#fail(row.size, 'root', `two signed checkpoints at size ${row.size} disagree (forked chain)`);
      } else {
        this.#byIndex.set(row.size, { size: row.size, st, row });
        this.#sizes.push(row.size);
      }
    }
    this.#sizes.sort((a, b) => a - b);
    if (!this.#problem && opts.startSeq > 1) this.#startAfter(opts.startSeq - 1);
  }

  get failed(): boolean {
    return this.#problem !== null;
  }

  /** Feeds the next event in seq order. `storedHash` is the hash column, when the source has one. Returns false once failed. */
  push(seq: number, body: string, storedHash?: string): boolean {
    if (this.#problem) return false;
    const expected = this.#next;
    if (seq !== expected) {
      if (seq > expected) return this.#fail(expected, 'missing', `event ${expected} is missing (next present is ${seq})`);
      return this.#fail(seq, seq < expected - 1 || this.#count === 0 ? 'reordered' : 'inserted', `event ${seq} appears out of order after ${expected - 1}`);
    }
    // Fast path: the envelope's tail is fully determined by the expected prev and seq, so one string compare
    // checks shape, position and link; only a mismatch pays for parsing, to say what is wrong.
    if (!hasTail(body, this.#prev, seq)) {
      const env = openEnvelope(body);
      if (!env) return this.#fail(seq, 'malformed', `event ${seq} is not a well-formed audit envelope`);
      if (env.seq !== seq) return this.#fail(seq, 'reordered', `event at position ${seq} claims seq ${env.seq}`);
      if (storedHash !== undefined && sha256(body) !== storedHash) return this.#fail(seq, 'modified', `event ${seq} was modified: its hash does not match its content`);
      return this.#fail(seq, 'modified', `event ${seq} does not link to event ${seq - 1} (event ${seq - 1} or ${seq} was modified, removed or inserted)`);
    }
    const hash = sha256(body);
    if (storedHash !== undefined && hash !== storedHash) return this.#fail(seq, 'modified', `event ${seq} was modified: its hash does not match its content`);
    return this.#accept(seq, hash, body.startsWith('{"e":{"action":"retention"') ? openEnvelope(body)?.payload ?? '' : undefined);
  }

  /** The hash the next event must name as `prev`. */
  get prev(): string {
    return this.#prev;
  }

  /**
   * Feeds the next event when its own checks (seq, link to `prev`, hash of its body) were already done
   * elsewhere, on a verify thread (verify-threads.ts): only the Merkle tree and the checkpoints remain.
   * `retentionPayload`: the payload, for an event that may be a retention event.
   */
  pushHashed(seq: number, hash: string, retentionPayload?: string): boolean {
    if (this.#problem) return false;
    if (seq !== this.#next) return this.#fail(this.#next, 'missing', `event ${this.#next} is missing (next present is ${seq})`);
    return this.#accept(seq, hash, retentionPayload);
  }

  #accept(seq: number, hash: string, retentionPayload: string | undefined): boolean {
    if (retentionPayload !== undefined) this.#noteRetention(seq, retentionPayload);
    this.#frontier.append(hash);
    this.#prev = hash;
    this.#next = seq + 1;
    this.#count++;
    if (this.#first === null) this.#first = seq;
    const cp = this.#byIndex.get(seq);
    if (cp) {
      if (cp.st.head !== this.#prev) return this.#fail(seq, 'modified', `events up to ${seq} differ from the signed checkpoint's head`);
      if (cp.st.root !== this.#frontier.root()) return this.#fail(seq, 'root', `events up to ${seq} do not reproduce the signed Merkle root`);
      this.#signedThrough = seq;
    }
    return true;
  }

  finish(): ChainReport {
    const last = this.#next - 1;
    if (!this.#problem) {
      const end = this.#opts.endSeq;
      const beyond = this.#sizes.find((s) => s > last && (end === undefined || s <= end));
      if (beyond !== undefined) this.#fail(last + 1, 'truncated', `a signed checkpoint covers ${beyond} events but the chain ends at ${last}: events ${last + 1}..${beyond} were removed`);
      else if (end !== undefined && last < end) this.#fail(last + 1, 'truncated', `events ${last + 1}..${end} are missing`);
    }
    // Only a retention event that a signed checkpoint covers counts: one in the unsigned tail could be forged.
    const authorised = this.#retention.filter((r) => r.seq <= this.#signedThrough).reduce((m, r) => Math.max(m, r.through), 0);
    if (!this.#problem && this.#opts.requireRetention && authorised < this.#opts.startSeq - 1) {
      this.#fail(this.#opts.startSeq - 1, 'pruned', `events 1..${this.#opts.startSeq - 1} are gone without a signed retention event`);
    }
    const unsigned = Math.max(0, last - Math.max(this.#signedThrough, this.#opts.startSeq - 1));
    if (!this.#problem && this.#opts.requireSigned && unsigned > 0) {
      this.#fail(this.#signedThrough + 1, 'unsigned', `${unsigned} events after ${this.#signedThrough} are not covered by a signed checkpoint`);
    }
    return {
      chain: this.chain, ok: this.#problem === null, events: this.#count, firstSeq: this.#first, lastSeq: this.#count > 0 ? last : null,
      checkpoints: this.#sizes.length, signedThrough: this.#signedThrough, unsigned, problem: this.#problem,
    };
  }

  /** Resumes from a signed checkpoint's frontier (after pruning or for a range). */
  #startAfter(size: number): void {
    const cp = this.#byIndex.get(size);
    if (!cp) {
      this.#fail(size + 1, 'missing', `events 1..${size} are absent and no signed checkpoint at ${size} allows starting there`);
      return;
    }
    let f: Frontier;
    try {
      f = new Frontier(size, cp.row.frontier);
    } catch {
      this.#fail(size, 'malformed', `checkpoint at ${size} has a malformed frontier`);
      return;
    }
    if (f.root() !== cp.st.root) {
      this.#fail(size, 'root', `checkpoint at ${size}: its frontier does not reproduce the signed root`);
      return;
    }
    this.#frontier = f;
    this.#prev = cp.st.head;
    this.#signedThrough = size;
  }

  #noteRetention(seq: number, payload: string): void {
    try {
      const p = JSON.parse(payload) as { kind?: unknown; detail?: { prunedThrough?: unknown } };
      const through = p.detail?.prunedThrough;
      if (p.kind === 'audit' && typeof through === 'number') this.#retention.push({ seq, through });
    } catch {
      // A malformed payload is covered by the hash; it simply authorises nothing.
    }
  }

  #fail(seq: number | null, kind: ProblemKind, message: string): false {
    if (!this.#problem) this.#problem = { chain: this.chain, seq, kind, message: `chain ${this.chain}: ${message}` };
    return false;
  }
}

/**
 * True when `body` is `{"e":{...},"prev":"<prev>","seq":<seq>,"v":1}` as far as its fixed parts go: the same
 * test as `endsWith(\`,"prev":"${prev}","seq":${seq},"v":1}\`)`, without building that string per event.
 */
export function hasTail(body: string, prev: string, seq: number): boolean {
  const seqText = String(seq);
  const at = body.length - 7 - seqText.length - 8 - prev.length - 9;
  return at > 6 && body.startsWith('{"e":{') && body.startsWith(',"prev":"', at) && body.startsWith(prev, at + 9) &&
    body.startsWith('","seq":', at + 9 + prev.length) && body.startsWith(seqText, at + 17 + prev.length) && body.endsWith(',"v":1}');
}
