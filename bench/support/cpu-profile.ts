/** @module Reads a V8 .cpuprofile and lists the functions with the most self and total time, mapped back to src/ through source maps. */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };

export type HotSpot = { readonly where: string; readonly fn: string; readonly selfMs: number; readonly selfPct: number; readonly totalMs: number; readonly totalPct: number };

/**
 * `fromUs`: samples taken before this monotonic time (microseconds, the clock of `process.hrtime`, which V8's
 * profile timestamps share on Linux) are ignored, so start-up and module loading do not crowd the list.
 */
export function hotSpots(file: string, root: string, top = 25, fromUs = 0): { totalMs: number; bySelf: HotSpot[]; byTotal: HotSpot[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (at < fromUs) continue;
    const id = p.samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const maps = new Map<string, SourceMap | null>();
  const locate = (cf: CallFrame): string => {
    if (!cf.url) return '(native)';
    if (!cf.url.startsWith('file://')) return `${cf.url}:${cf.lineNumber + 1}`;
    const path = fileURLToPath(cf.url);
    let sm = maps.get(path);
    if (sm === undefined) {
      try {
        sm = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        sm = null;
      }
      maps.set(path, sm);
    }
    const e = sm?.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (e?.originalSource !== undefined && e.originalLine !== undefined) {
      const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : new URL(e.originalSource, cf.url).pathname;
      return `${relative(root, src)}:${e.originalLine + 1}`;
    }
    return `${relative(root, path)}:${cf.lineNumber + 1}`;
  };
  const key = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}\u0000${locate(n.callFrame)}`;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  // Total time of a function counts each sample once even when the function recurses.
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id);
    if (!n) return 0;
    const k = key(n);
    let t = selfUs.get(id) ?? 0;
    self.set(k, (self.get(k) ?? 0) + t);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    for (const c of n.children ?? []) t += walk(c, onStack);
    if (fresh) {
      onStack.delete(k);
      total.set(k, (total.get(k) ?? 0) + t);
    }
    return t;
  };
  const rootNode = p.nodes[0];
  const totalUs = rootNode ? walk(rootNode.id, new Set()) : 0;
  const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)') || k.startsWith('(program)')).reduce((n, [, v]) => n + v, 0);
  const busy = Math.max(1, totalUs - idle);
  const spot = (k: string): HotSpot => {
    const [fn = '', where = ''] = k.split('\u0000');
    const s = self.get(k) ?? 0;
    const t = total.get(k) ?? 0;
    return { fn, where, selfMs: s / 1000, selfPct: (100 * s) / busy, totalMs: t / 1000, totalPct: (100 * t) / busy };
  };
  const skip = (k: string): boolean => k.startsWith('(idle)') || k.startsWith('(root)') || k.startsWith('(program)');
  const bySelf = [...self.keys()].filter((k) => !skip(k)).map(spot).sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  const byTotal = [...total.keys()].filter((k) => !skip(k)).map(spot).sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
  return { totalMs: busy / 1000, bySelf, byTotal };
}
