/** @module Grouping rows for cross-validation: rows sharing a long line (same carrier or template) stay in one fold. */

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i] as number] as number;
    i = parent[i] as number;
  }
  return i;
}

/**
 * Union-find over shared lines of at least `minLine` characters that occur in at most `maxRows` rows
 * (boilerplate lines such as "cc: []" must not glue everything together). Returns a group id per row.
 */
export function groupByLongLines(texts: readonly string[], minLine = 30, maxRows = 60): number[] {
  const parent = Int32Array.from(texts.map((_, i) => i));
  const byLine = new Map<string, number[]>();
  texts.forEach((t, i) => {
    const seen = new Set<string>();
    for (const raw of t.split(/\n|(?<=[.!?])\s+/)) {
      const l = raw.trim().toLowerCase();
      if (l.length < minLine || seen.has(l)) continue;
      seen.add(l);
      const rows = byLine.get(l);
      if (rows) rows.push(i);
      else byLine.set(l, [i]);
    }
  });
  for (const rows of byLine.values()) {
    if (rows.length < 2 || rows.length > maxRows) continue;
    const r0 = find(parent, rows[0] as number);
    for (const r of rows) {
      const rr = find(parent, r);
      if (rr !== r0) parent[rr] = r0;
    }
  }
  return texts.map((_, i) => find(parent, i));
}

/** Deterministic fold of a group id. */
export function foldOf(group: number, folds: number, seed: number): number {
  let h = Math.imul(group ^ seed, 0x9e3779b1) >>> 0;
  h ^= h >>> 16;
  return (Math.imul(h, 0x85ebca6b) >>> 0) % folds;
}
