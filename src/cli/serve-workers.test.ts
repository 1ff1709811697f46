import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/ports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = `wdn_admin_workers_test_${process.pid}`;

let proc: ChildProcess | undefined;
let dir: string;
let url: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'warden-workers-'));
  writeFileSync(join(dir, 'warden.yaml'), 'providers: []\nmodels: []\n');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  proc = spawn(process.execPath, [join(ROOT, 'bin/warden.js'), 'start', '--config', join(dir, 'warden.yaml'), '--port', String(port), '--data', join(dir, 'data'), '--workers', '2'], {
    env: { ...process.env, WARDEN_ADMIN_TOKEN: TOKEN, WARDEN_LOG_LEVEL: 'warn' }, stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('warden --workers 2 did not come up');
});

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc?.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('warden start --workers 2', () => {
  it('/metrics sums every worker process, each under its own node label', async () => {
    const created = await fetch(`${url}/admin/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'acme' }),
    });
    const { key } = (await created.json()) as { key: string };
    const body = JSON.stringify({ model: 'demo-echo', messages: [{ role: 'user', content: 'hi' }] });
    const nodes = new Set<string>();
    let total = 0;
    // A fresh connection per request: node:cluster hands connections to the workers in turn.
    for (let i = 0; i < 10 && nodes.size < 2; i++) {
      for (let j = 0; j < 4; j++) {
        // Wait until both workers have the key (each loads the policy snapshot on its own).
        const r = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'close' }, body,
        });
        await r.text();
        if (r.status === 200) total++;
      }
      const m = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
      nodes.clear();
      let counted = 0;
      for (const line of m.split('\n')) {
        const x = /^warden_requests_total\{[^}]*code="ok"[^}]*node="([^"]+)"[^}]*\} (\d+)/.exec(line);
        if (x?.[1] !== undefined) {
          nodes.add(x[1]);
          counted += Number(x[2]);
        }
      }
      if (nodes.size === 2) expect(counted).toBe(total);
    }
    expect([...nodes].sort()).toEqual([expect.stringMatching(/-w0$/), expect.stringMatching(/-w1$/)]);
  });
});
