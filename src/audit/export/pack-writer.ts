/** @module Writes an evidence pack: signed event chains, keys, incidents, restriction history, monitoring summary. */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Restriction } from '../../core/types.js';
import type { Change } from '../../store/types.js';
import type { AuditBackend } from '../backend.js';
import { canonicalize } from '../canonical-json.js';
import type { CheckpointRow } from '../checkpoint.js';
import { openEnvelope } from '../envelope.js';
import type { NodeKeys } from '../keys.js';
import { PACK_FORMAT, type PackChain, type PackIncident, type PackManifest, type PackSignature } from './pack-types.js';
import { packReadme } from './readme.js';
import { renderSummaryHtml } from './summary-html.js';
import { SummaryBuilder, type MonitoringSummary } from './summary.js';

export type PackInput = {
  readonly backend: AuditBackend;
  readonly out: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly now: number;
  readonly incidents: readonly PackIncident[];
  readonly restrictions: readonly Restriction[];
  readonly changes: readonly Change[];
  /** Node keys available here, to sign the manifest. */
  readonly signers: readonly NodeKeys[];
};

export type PackResult = { readonly out: string; readonly manifest: PackManifest; readonly summary: MonitoringSummary };

/** The seq span of a chain to export: from just after a signed checkpoint to a signed checkpoint, so it verifies alone. */
export function planChainSpan(
  bounds: { first: number; last: number }, checkpoints: readonly CheckpointRow[], timeRange: { first: number; last: number } | undefined,
): { start: number; end: number } | undefined {
  const sizes = checkpoints.map((c) => c.size).filter((s) => s <= bounds.last).sort((a, b) => a - b);
  const lastSigned = sizes[sizes.length - 1];
  if (lastSigned === undefined || lastSigned < bounds.first) return undefined;
  if (!timeRange) return { start: bounds.first, end: lastSigned };
  const before = sizes.filter((s) => s < timeRange.first && s >= bounds.first - 1);
  const start = before.length > 0 ? (before[before.length - 1] as number) + 1 : bounds.first;
  const end = sizes.find((s) => s >= timeRange.last) ?? lastSigned;
  return end >= start ? { start, end } : undefined;
}

export async function writeEvidencePack(p: PackInput): Promise<PackResult> {
  mkdirSync(p.out, { recursive: true });
  if (readdirSync(p.out).length > 0) throw new Error(`${p.out} is not empty; give a new directory for the pack`);
  const files: Record<string, string> = {};
  const put = (name: string, text: string): void => {
    writeFileSync(join(p.out, name), text);
    files[name] = createHash('sha256').update(text).digest('hex');
  };
  const inRange = (t: number): boolean => (p.fromMs === undefined || t >= p.fromMs) && (p.toMs === undefined || t <= p.toMs);
  const summary = new SummaryBuilder();
  const chains: PackChain[] = [];
  const checkpointLines: string[] = [];
  const eventsHash = createHash('sha256');
  const fd = openSync(join(p.out, 'events.jsonl'), 'w');
  try {
    for (const chain of await p.backend.listChains()) {
      const bounds = await p.backend.seqBounds(chain);
      if (!bounds) continue;
      const cps = await p.backend.listCheckpoints(chain);
      const timeRange = p.fromMs === undefined && p.toMs === undefined ? undefined
        : await p.backend.seqRangeForTime(chain, p.fromMs ?? 0, p.toMs ?? Number.MAX_SAFE_INTEGER);
      if ((p.fromMs !== undefined || p.toMs !== undefined) && !timeRange) continue;
      const span = planChainSpan(bounds, cps, timeRange);
      if (!span) continue;
      let count = 0;
      for (let from = span.start; from <= span.end;) {
        const rows = await p.backend.readEvents(chain, from, span.end, 20_000);
        if (rows.length === 0) break;
        let chunk = '';
        for (const r of rows) {
          chunk += `${r.body}\n`;
          const env = openEnvelope(r.body);
          if (env && inRange(r.at)) summary.add(JSON.parse(env.payload) as Parameters<SummaryBuilder['add']>[0]);
        }
        writeSync(fd, chunk);
        eventsHash.update(chunk);
        count += rows.length;
        from = (rows[rows.length - 1]?.seq ?? span.end) + 1;
      }
      for (const c of cps) if (c.size >= span.start - 1 && c.size <= span.end) checkpointLines.push(canonicalize({ ...c }));
      chains.push({ chain, firstSeq: span.start, lastSeq: span.start + count - 1, events: count, startsAfter: span.start - 1, unsignedLeftOut: bounds.last - span.end });
    }
  } finally {
    closeSync(fd);
  }
  files['events.jsonl'] = eventsHash.digest('hex');
  put('checkpoints.jsonl', checkpointLines.map((l) => `${l}\n`).join(''));
  const keys = (await p.backend.listKeys()).filter((k) => chains.some((c) => c.chain === k.chain));
  put('keys.json', `${JSON.stringify(keys, null, 2)}\n`);
  put('retention.json', `${JSON.stringify(await p.backend.listRetention(), null, 2)}\n`);
  const incidents = p.incidents.filter((i) => (p.toMs === undefined || i.openedAt <= p.toMs) && (p.fromMs === undefined || i.resolvedAt === null || i.resolvedAt >= p.fromMs));
  put('incidents.json', `${JSON.stringify(incidents, null, 2)}\n`);
  const restrictions = p.restrictions.filter((r) => (p.toMs === undefined || r.createdAt <= p.toMs) && (p.fromMs === undefined || r.liftedAt === null || r.liftedAt >= p.fromMs));
  const changes = p.changes.filter((c) => inRange(c.at));
  put('restrictions.json', `${JSON.stringify({ restrictions, changes }, null, 2)}\n`);
  const built = summary.build({ fromMs: p.fromMs, toMs: p.toMs }, restrictions, incidents, p.now);
  put('summary.json', `${JSON.stringify(built, null, 2)}\n`);
  const range = { from: p.fromMs === undefined ? null : new Date(p.fromMs).toISOString(), to: p.toMs === undefined ? null : new Date(p.toMs).toISOString() };
  const draft: PackManifest = { format: PACK_FORMAT, v: 1, createdAt: new Date(p.now).toISOString(), range, chains, files: {} };
  put('summary.html', renderSummaryHtml(built, draft, incidents));
  put('README.md', packReadme(draft, keys.map((k) => k.keyId)));
  const manifest: PackManifest = { ...draft, files: { ...files } };
  writeFileSync(join(p.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const signed = canonicalize(manifest);
  const signatures: PackSignature[] = p.signers.filter((s) => keys.some((k) => k.keyId === s.keyId)).map((s) => ({ keyId: s.keyId, signature: s.sign(signed) }));
  writeFileSync(join(p.out, 'signatures.json'), `${JSON.stringify(signatures, null, 2)}\n`);
  return { out: p.out, manifest, summary: built };
}
