import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeEvidencePack } from '../../src/audit/export/pack-writer.js';
import { verifyPack } from '../../src/audit/export/pack-verify.js';
import { loadNodeKeys } from '../../src/audit/keys.js';
import { IncidentService } from '../../src/control/incidents.js';
import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { tempDir, writeChain } from './helpers.js';

describe('evidence pack', () => {
  let dir: string;
  let cleanup: () => void;
  let out: string;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    out = join(dir, 'pack');
    const { backend } = await writeChain(dir, 120, 16, 'node-a');
    const incidents = new IncidentService({ backend, clock: () => 1_700_000_050_000 });
    await incidents.open({ title: 'Model leaks <b>PII</b>', severity: 'high', actor: 'alice', model: 'gpt-4o-mini', serious: 'widespread', detectedAt: 1_700_000_000_000 });
    await writeEvidencePack({
      backend, out, now: 1_700_000_200_000, incidents: await incidents.list(), restrictions: [], changes: [], signers: [loadNodeKeys(dir, 'node-a')],
    });
    await backend.close();
  });
  afterEach(() => cleanup());

  it('verifies as written, with a readable summary', async () => {
    const r = await verifyPack(out);
    expect(r.firstBad).toBeNull();
    expect(r).toMatchObject({ ok: true, events: 121, pack: { manifestSignatures: 1 } });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { totals: { requests: number; blocked: number }; blocksByScanner: Record<string, number> };
    expect(summary.totals).toMatchObject({ requests: 120, blocked: 12 });
    expect(summary.blocksByScanner['pii.email']).toBe(12);
    const html = readFileSync(join(out, 'summary.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
    expect(html).toContain('Model leaks &#60;b&#62;PII&#60;/b&#62;');
    const incidents = JSON.parse(readFileSync(join(out, 'incidents.json'), 'utf8')) as { deadline: { days: number } }[];
    expect(incidents[0]?.deadline.days).toBe(2);
  });

  it.each([
    ['changes a value in the first event', (l: string[]) => { l[0] = (l[0] ?? '').replace('"node":"node-a"', '"node":"node-b"'); }],
    ['changes a value in a middle event', (l: string[]) => { l[60] = (l[60] ?? '').replace('"status":200', '"status":201'); }],
    ['changes the last event', (l: string[]) => { l[l.length - 1] = (l[l.length - 1] ?? '').replace('"at":', '"at":9'); }],
    ['adds a space', (l: string[]) => { l[10] = `${l[10] ?? ''} `; }],
    ['deletes a line', (l: string[]) => { l.splice(30, 1); }],
    ['swaps two lines', (l: string[]) => { const a = l[40] ?? ''; l[40] = l[41] ?? ''; l[41] = a; }],
    ['drops the last line', (l: string[]) => { l.pop(); }],
    ['duplicates a line', (l: string[]) => { l.splice(5, 0, l[5] ?? ''); }],
  ])('fails after an edit that %s', async (_name, edit) => {
    const copy = join(dir, 'edited');
    cpSync(out, copy, { recursive: true });
    const file = join(copy, 'events.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    edit(lines);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await verifyPack(copy);
    expect(r.ok).toBe(false);
    expect(r.firstBad).not.toBeNull();
  });

  it('fails when a checkpoint or another file is edited', async () => {
    const copy = join(dir, 'edited2');
    cpSync(out, copy, { recursive: true });
    const f = join(copy, 'incidents.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"high"', '"low"'));
    expect((await verifyPack(copy)).ok).toBe(false);
  });

  it('rejects keys that are not trusted', async () => {
    expect((await verifyPack(out, { trust: ['ed25519:0000'] })).ok).toBe(false);
  });

  it('exports a time range that verifies on its own', async () => {
    const backend = createSqliteAuditBackend(dir);
    const ranged = join(dir, 'ranged');
    await writeEvidencePack({ backend, out: ranged, now: 1_700_000_300_000, fromMs: 1_700_000_040_000, toMs: 1_700_000_070_000, incidents: [], restrictions: [], changes: [], signers: [] });
    const r = await verifyPack(ranged);
    expect(r.ok).toBe(true);
    expect(r.events).toBeGreaterThanOrEqual(31);
    expect(r.chains[0]?.firstSeq).toBeGreaterThan(1);
    await backend.close();
  });
});
