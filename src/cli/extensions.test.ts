import { describe, expect, it } from 'vitest';
import type { Config } from '../config/load-config.js';
import { auditWriter } from './extensions.js';

const sqlite = { store: { kind: 'sqlite', dataDir: '/tmp/x' } } as unknown as Config;
const postgres = { store: { kind: 'postgres' } } as unknown as Config;

describe('auditWriter', () => {
  it('writes inline on SQLite and on a thread on PostgreSQL unless WARDEN_AUDIT_WRITER says otherwise', () => {
    expect(auditWriter(sqlite, {})).toBe('inline');
    expect(auditWriter(postgres, {})).toBe('worker');
    expect(auditWriter(sqlite, { WARDEN_AUDIT_WRITER: 'thread' })).toBe('worker');
    expect(auditWriter(postgres, { WARDEN_AUDIT_WRITER: 'inline' })).toBe('inline');
    expect(() => auditWriter(sqlite, { WARDEN_AUDIT_WRITER: 'fast' })).toThrow(/WARDEN_AUDIT_WRITER: expected "thread" or "inline"/);
  });
});
