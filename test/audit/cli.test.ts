import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeChain } from './helpers.js';

function warden(...args: string[]): { code: number; stdout: string; stderr: string; last: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8', env: { ...process.env, WARDEN_URL: 'http://127.0.0.1:9', WARDEN_ADMIN_TOKEN: '', WARDEN_STORE: '' }, timeout: 60_000,
  });
  const lines = r.stdout.trim().split('\n');
  let last: Record<string, unknown>;
  try {
    last = JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
  } catch {
    last = {};
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, last };
}

describe('warden audit / incident / export commands', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    const { backend } = await writeChain(dir, 60, 16, 'node-a');
    await backend.close();
  });
  afterAll(() => cleanup());

  it('opens and lists an incident with its Art. 73 deadline', () => {
    const r = warden('incident', 'open', '--data', dir, '--title', 'PII leak', '--severity', 'high', '--serious', 'widespread', '--detected-at', '2026-01-01T00:00:00Z', '--json');
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ title: 'PII leak', deadline: { reportBy: '2026-01-03T00:00:00.000Z', days: 2 } });
    const list = warden('incident', 'list', '--data', dir);
    expect(list.stdout).toContain('PII leak');
  });

  it('verifies the store with a JSON last line', () => {
    const r = warden('audit', 'verify', '--data', dir, '--json');
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ ok: true });
    expect(r.last.events).toBeGreaterThanOrEqual(61);
  });

  it('exports a pack that verifies, and fails with exit 1 once an event line is edited', () => {
    const out = join(dir, 'pack');
    const e = warden('export', '--data', dir, '--out', out);
    expect(e.code).toBe(0);
    const ok = warden('audit', 'verify', '--pack', out, '--json');
    expect(ok.code).toBe(0);
    expect(ok.last).toMatchObject({ ok: true });
    const file = join(out, 'events.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[20] = (lines[20] ?? '').replace('"latencyMs":', '"latencyMs":0');
    writeFileSync(file, lines.join('\n'));
    const bad = warden('audit', 'verify', '--pack', out, '--json');
    expect(bad.code).toBe(1);
    expect(bad.last).toMatchObject({ ok: false });
  });

  it('prints the head and an inclusion proof that verifies offline', () => {
    const head = warden('audit', 'head', '--data', dir, '--json');
    expect(head.code).toBe(0);
    expect((head.last.checkpoints as unknown[]).length).toBeGreaterThan(0);
    const proof = warden('audit', 'prove', 'node-a:5', '--data', dir);
    expect(proof.code).toBe(0);
    const file = join(dir, 'proof.json');
    writeFileSync(file, proof.stdout);
    const v = warden('audit', 'verify-proof', file, '--json');
    expect(v.code).toBe(0);
    expect(v.last).toMatchObject({ ok: true, seq: 5 });
  });
});
