import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, Frontier, inclusionPath, leafHash, nodeHash, verifyInclusion } from './merkle.js';

const h = (i: number): string => createHash('sha256').update(`event ${i}`).digest('hex');

/** RFC 9162 §2.1.1 MTH, written the recursive way, as the reference. */
function mth(leaves: readonly string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0] as string);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('Merkle tree (RFC 9162)', () => {
  it('computes the same root incrementally as the recursive definition, for every size up to 70', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => h(i));
    const f = new Frontier();
    expect(f.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= leaves.length; n++) {
      f.append(leaves[n - 1] as string);
      expect(f.root()).toBe(mth(leaves.slice(0, n)));
    }
  });

  it('resumes from a saved frontier', () => {
    const leaves = Array.from({ length: 37 }, (_, i) => h(i));
    const f = new Frontier();
    leaves.slice(0, 21).forEach((l) => f.append(l));
    const g = new Frontier(21, f.nodes());
    leaves.slice(21).forEach((l) => g.append(l));
    expect(g.root()).toEqual(mth(leaves));
  });

  it('builds inclusion proofs that verify, and fail for another leaf, index or root', () => {
    const leaves = Array.from({ length: 23 }, (_, i) => h(i));
    for (let size = 1; size <= leaves.length; size++) {
      const root = mth(leaves.slice(0, size));
      for (let i = 0; i < size; i++) {
        const path = inclusionPath(i, size, (j) => leaves[j] as string);
        expect(verifyInclusion(leaves[i] as string, i, size, path, root)).toBe(true);
        if (size > 1) {
          expect(verifyInclusion(leaves[(i + 1) % size] as string, i, size, path, root)).toBe(false);
          expect(verifyInclusion(leaves[i] as string, (i + 1) % size, size, path, root)).toBe(false);
        }
      }
    }
  });

  it('builds proofs from a pruned prefix kept as a frontier', () => {
    const leaves = Array.from({ length: 45 }, (_, i) => h(i));
    const prefix = new Frontier();
    leaves.slice(0, 19).forEach((l) => prefix.append(l));
    const root = mth(leaves);
    for (let i = 19; i < 45; i++) {
      const path = inclusionPath(i, 45, (j) => {
        if (j < 19) throw new Error('pruned leaf read');
        return leaves[j] as string;
      }, prefix.blocks());
      expect(verifyInclusion(leaves[i] as string, i, 45, path, root)).toBe(true);
    }
  });
});
