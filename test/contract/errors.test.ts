/** @module Every internal error code is documented in docs/errors.md with its wire code and status, and the doc names no other code. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GatewayError, isErrorCode, toGatewayError, type ErrorCode } from '../../src/core/errors.js';
import { errorBody, errorFrame } from '../../src/gateway/error-body.js';

const DOC_PATH = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

type DocRow = { readonly code: string; readonly wire: string; readonly status: number; readonly meaning: string };

/** The rows of the code table: `| \`GW_X\` | \`wire\` | 400 | meaning | … |`. */
function documentedCodes(markdown: string): DocRow[] {
  const rows: DocRow[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // cells[0] is the empty text before the first pipe.
    const code = /^`(GW_[A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code === undefined) continue;
    rows.push({ code, wire: (cells[2] ?? '').replace(/`/g, ''), status: Number(cells[3]), meaning: cells[4] ?? '' });
  }
  return rows;
}

const doc = readFileSync(DOC_PATH, 'utf8');
const rows = documentedCodes(doc);
const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe('docs/errors.md', () => {
  it('documents every internal code with its wire code and HTTP status', () => {
    for (const code of codes) {
      const row = rows.find((r) => r.code === code);
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      expect(row?.wire, `${code}: wire code`).toBe(ERROR_CODES[code].wire);
      expect(row?.status, `${code}: HTTP status`).toBe(ERROR_CODES[code].status);
      expect(row?.meaning.length, `${code}: meaning`).toBeGreaterThan(10);
    }
  });

  it('documents no code that does not exist, and each code once', () => {
    for (const r of rows) expect(isErrorCode(r.code), `${r.code} is documented but not in ERROR_CODES`).toBe(true);
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    // Codes named anywhere in the prose must exist too.
    for (const m of doc.matchAll(/GW_[A-Z0-9_]*[A-Z0-9]/g)) expect(isErrorCode(m[0]), `${m[0]} named in docs/errors.md`).toBe(true);
  });
});

describe('wire contract (ARCHITECTURE.md)', () => {
  const CONTRACT: Record<string, number> = {
    invalid_api_key: 401, model_not_allowed: 403, model_restricted: 403, guardrail_blocked: 400, rate_limited: 429,
    upstream_error: 502, upstream_timeout: 504, invalid_request: 400, policy_stale: 503,
  };

  it.each(Object.entries(CONTRACT))('has an internal code answering %s with HTTP %i', (wire, status) => {
    expect(codes.some((c) => ERROR_CODES[c].wire === wire && ERROR_CODES[c].status === status)).toBe(true);
  });

  it('uses only valid HTTP error statuses', () => {
    for (const c of codes) expect(ERROR_CODES[c].status >= 400 && ERROR_CODES[c].status <= 599, c).toBe(true);
  });

  it.each(codes)('renders %s in both API shapes with its wire code and no internals', (code) => {
    const e = new GatewayError(code, 'A message.', { cause: new Error('secret internal detail') });
    const oai = errorBody('openai', e);
    expect(oai).toEqual({ error: expect.objectContaining({ message: 'A message.', type: expect.any(String), code: ERROR_CODES[code].wire }) });
    const anth = errorBody('anthropic', e);
    expect(anth).toEqual({ type: 'error', error: expect.objectContaining({ type: expect.any(String), message: 'A message.', code: ERROR_CODES[code].wire }) });
    for (const text of [JSON.stringify(oai), JSON.stringify(anth), errorFrame('openai', e), errorFrame('anthropic', e)]) {
      expect(text).not.toContain('secret internal detail');
      expect(text).not.toMatch(/\bat .+:\d+:\d+/);
    }
  });

  it('turns an unknown throw into GW_INTERNAL with a generic message', () => {
    const e = toGatewayError(new TypeError('x is undefined at /work/main/src/foo.ts:1:2'));
    expect(e.code).toBe('GW_INTERNAL');
    expect(JSON.stringify(errorBody('openai', e))).not.toContain('foo.ts');
  });
});
