/** @module Grouping rows for cross-validation: rows sharing a long line (same carrier or template) stay in one fold. */

/**
 * A group per row without transitive chains: the row's longest line (>= `minLine` characters) among
 * those shared by 2..`maxRows` rows, so a carrier's clean and injected versions (which share its long
 * lines) fall in one fold. Union-find over all shared lines chained whole sources together through
 * boilerplate: one fold held most of bipia and all of agentdojo, the held-out models had never seen
 * those carriers, and the thresholds came out far too low for the final model (dev bipia/benign FPR 26%).
 */
export function groupByLongLines(texts: readonly string[], minLine = 30, maxRows = 8): number[] {
  const linesOf = texts.map((t) => {
    const seen = new Set<string>();
    for (const raw of t.split(/\n|(?<=[.!?])\s+/)) {
      const l = raw.trim().toLowerCase();
      if (l.length >= minLine) seen.add(l);
    }
    return [...seen];
  });
  const rowsOf = new Map<string, number>();
  for (const ls of linesOf) for (const l of ls) rowsOf.set(l, (rowsOf.get(l) ?? 0) + 1);
  const keyId = new Map<string, number>();
  return linesOf.map((ls, i) => {
    let key: string | undefined;
    for (const l of ls) {
      const n = rowsOf.get(l) ?? 0;
      if (n >= 2 && n <= maxRows && (key === undefined || l.length > key.length)) key = l;
    }
    if (key === undefined) return texts.length + i;
    let id = keyId.get(key);
    if (id === undefined) {
      id = keyId.size;
      keyId.set(key, id);
    }
    return id;
  });
}

/** Deterministic fold of a group id. */
export function foldOf(group: number, folds: number, seed: number): number {
  let h = Math.imul(group ^ seed, 0x9e3779b1) >>> 0;
  h ^= h >>> 16;
  return (Math.imul(h, 0x85ebca6b) >>> 0) % folds;
}
