import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { openEnvelope } from '../../src/audit/envelope.js';
import { verifyStore } from '../../src/audit/verify-store.js';
import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { requestEvent, tempDir } from './helpers.js';

describe('audit log across kill -9', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('loses nothing committed, and a restart continues a valid chain', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/audit/fixtures/crash-writer.ts', dir, 'crashy'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        committed = Number(line.split(' ')[1]);
        if (committed >= 3000) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          child.on('exit', () => resolve());
        }
      });
    });

    const backend = createSqliteAuditBackend(dir);
    const stored = (await backend.seqBounds('crashy'))?.last ?? 0;
    expect(stored).toBeGreaterThanOrEqual(committed);
    // Request ids form a gap-free prefix: whatever was lost is only the tail that was in flight.
    const ids = (await backend.readEvents('crashy', 1, stored, stored)).map((e) => {
      const m = /"requestId":"req_(\d+)"/.exec(openEnvelope(e.body)?.payload ?? '');
      return m ? Number(m[1]) : null;
    }).filter((x): x is number => x !== null);
    expect(ids).toEqual(ids.map((_, i) => i));

    const log = createAuditLog({ backend, nodeId: 'crashy' });
    for (let i = 0; i < 10; i++) log.record(requestEvent(100_000 + i));
    await log.close();
    const r = await verifyStore(backend);
    expect(r.ok).toBe(true);
    expect(r.events).toBe(stored + 11);
    await backend.close();
  }, 60_000);
});
