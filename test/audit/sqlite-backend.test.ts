import { describe, expect, it } from 'vitest';
import { GENESIS_PREV } from '../../src/audit/event.js';
import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { describeAuditBackend } from './backend.contract.js';
import { tempDir } from './helpers.js';

describeAuditBackend('sqlite', async (dir) => {
  const backend = createSqliteAuditBackend(dir);
  return {
    backend,
    second: async () => createSqliteAuditBackend(dir),
    tamper: async (chain, seq) => {
      backend.db.prepare("UPDATE audit_events SET body = replace(body, '\"status\":', '\"status\":9') WHERE chain = ? AND seq = ?").run(chain, seq);
    },
    close: () => backend.close(),
  };
});

describe('sqlite audit backend: multi-row inserts', () => {
  it('stores every row of batches of any size, in order', async () => {
    const { dir, cleanup } = tempDir();
    const backend = createSqliteAuditBackend(dir);
    let head = { seq: 0, hash: GENESIS_PREV };
    for (const n of [1, 3, 4, 5, 16, 17, 21, 63, 64, 65, 85, 148]) {
      const rows = Array.from({ length: n }, (_, i) => ({ chain: 'c', seq: head.seq + 1 + i, at: 1000 + i, hash: `h${head.seq + 1 + i}`, body: `b${head.seq + 1 + i}` }));
      expect(await backend.append('c', head, rows, undefined)).toBe('ok');
      const last = rows[rows.length - 1] as { seq: number; hash: string };
      head = { seq: last.seq, hash: last.hash };
    }
    const all = await backend.readEvents('c', 1, head.seq, head.seq + 1);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
    expect(all.every((e) => e.body === `b${e.seq}` && e.hash === `h${e.seq}`)).toBe(true);
    await backend.close();
    cleanup();
  });
});
