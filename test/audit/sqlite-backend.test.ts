import { createSqliteAuditBackend } from '../../src/store/sqlite/audit-sqlite.js';
import { describeAuditBackend } from './backend.contract.js';

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
