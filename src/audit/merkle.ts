/** @module RFC 9162 Merkle tree hashing over a chain's event hashes (hex strings): incremental root, inclusion proofs. */
import { hash } from 'node:crypto';

// Hashes travel as hex strings: the one-shot hash into a string allocates no ArrayBuffer per call, which
// halves the cost of appending and verifying (GC of millions of small Buffers dominated before).

/** Leaf hash: SHA-256(0x00 || eventHash). `scratch`, when given, is a reusable buffer of exactly 33 bytes. */
export function leafHash(eventHashHex: string, scratch: Buffer = Buffer.allocUnsafe(33)): string {
  scratch[0] = 0;
  scratch.write(eventHashHex, 1, 32, 'hex');
  return hash('sha256', scratch);
}

/** Interior node: SHA-256(0x01 || left || right). `scratch`, when given, is a reusable buffer of exactly 65 bytes. */
export function nodeHash(leftHex: string, rightHex: string, scratch: Buffer = Buffer.allocUnsafe(65)): string {
  scratch[0] = 1;
  scratch.write(leftHex, 1, 32, 'hex');
  scratch.write(rightHex, 33, 32, 'hex');
  return hash('sha256', scratch);
}

/** Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: string = hash('sha256', '');

/**
 * The roots of the perfect subtrees that make up a tree of `size` leaves, largest first: enough to append
 * leaves and to compute the root without the leaves themselves. Persisted with each checkpoint so a writer
 * restarts, and a verifier resumes after pruning, without reading the pruned leaves.
 */
export class Frontier {
  #size: number;
  readonly #nodes: string[];
  // Exact-size scratch buffers: hashing a subarray would allocate a Buffer object per hash.
  readonly #leafScratch = Buffer.allocUnsafe(33);
  readonly #nodeScratch = Buffer.allocUnsafe(65);

  constructor(size = 0, nodes: readonly string[] = []) {
    if (nodes.length !== popcount(size)) throw new RangeError(`frontier of size ${size} needs ${popcount(size)} nodes, got ${nodes.length}`);
    if (nodes.some((n) => !/^[0-9a-f]{64}$/.test(n))) throw new RangeError('frontier nodes must be 64 hex digits');
    this.#size = size;
    this.#nodes = [...nodes];
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one event hash (the leaf hash is taken here). */
  append(eventHashHex: string): void {
    let node = leafHash(eventHashHex, this.#leafScratch);
    // Merge equal-sized subtrees like a binary counter carries.
    for (let s = this.#size; s % 2 === 1; s = Math.floor(s / 2)) node = nodeHash(this.#nodes.pop() as string, node, this.#nodeScratch);
    this.#nodes.push(node);
    this.#size++;
  }

  /** RFC 9162 MTH of the leaves so far: folds the subtrees from the right. */
  root(): string {
    if (this.#nodes.length === 0) return EMPTY_ROOT;
    let r = this.#nodes[this.#nodes.length - 1] as string;
    for (let i = this.#nodes.length - 2; i >= 0; i--) r = nodeHash(this.#nodes[i] as string, r, this.#nodeScratch);
    return r;
  }

  nodes(): string[] {
    return [...this.#nodes];
  }

  /** The perfect subtrees as [start, end) leaf ranges with their hashes, for building proofs after pruning. */
  blocks(): { start: number; end: number; hash: string }[] {
    const out: { start: number; end: number; hash: string }[] = [];
    let start = 0;
    let i = 0;
    for (let bit = highBit(this.#size); bit >= 1; bit /= 2) {
      if (Math.floor(this.#size / bit) % 2 === 0) continue;
      out.push({ start, end: start + bit, hash: this.#nodes[i++] as string });
      start += bit;
    }
    return out;
  }

  clone(): Frontier {
    return new Frontier(this.#size, this.#nodes);
  }
}

/**
 * Inclusion proof (RFC 9162 §2.1.3.1 PATH) of leaf `index` in the tree of the first `size` leaves.
 * `leafAt(i)` gives the event hash of leaf i; `known` are subtree hashes to use instead of leaves (e.g. a
 * pruned prefix kept as a frontier).
 */
export function inclusionPath(
  index: number, size: number, leafAt: (i: number) => string, known: readonly { start: number; end: number; hash: string }[] = [],
): string[] {
  if (index < 0 || index >= size) throw new RangeError('leaf index outside the tree');
  const byRange = new Map(known.map((k) => [`${k.start}:${k.end}`, k.hash]));
  const mth = (a: number, b: number): string => {
    const k = byRange.get(`${a}:${b}`);
    if (k) return k;
    if (b - a === 1) return leafHash(leafAt(a));
    const split = a + largestPow2Below(b - a);
    return nodeHash(mth(a, split), mth(split, b));
  };
  const path = (m: number, a: number, b: number): string[] => {
    if (b - a === 1) return [];
    const k = largestPow2Below(b - a);
    if (m < k) return [...path(m, a, a + k), mth(a + k, b)];
    return [...path(m - k, a + k, b), mth(a, a + k)];
  };
  return path(index, 0, size);
}

/** Checks an inclusion proof (RFC 9162 §2.1.3.2) and returns whether it yields `root`. */
export function verifyInclusion(eventHashHex: string, index: number, size: number, path: readonly string[], rootHex: string): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(eventHashHex);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r === rootHex;
}

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function highBit(n: number): number {
  let b = 1;
  while (b * 2 <= n) b *= 2;
  return n === 0 ? 0.5 : b;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
}
