import { describe, expect, it } from 'vitest';
import { ScanTimeoutError } from '../../types.js';
import { piiScanner } from './scanner.js';

const ctx = { signal: new AbortController().signal, now: () => 0, logger: { warn: () => undefined } };

describe('pii scanner', () => {
  it('redacts with numbered typed placeholders and reports typed findings', async () => {
    const s = piiScanner.create(piiScanner.parseOptions({}));
    const r = await s.scan({ text: 'ana@corp.example.io, SSN 412-63-8057, again ana@corp.example.io', stage: 'input', origin: 'user' }, ctx);
    expect(r.verdict).toBe('redact');
    expect(r.text).toBe('[EMAIL_1], SSN [US_SSN_1], again [EMAIL_1]');
    expect(r.findings.map((f) => f.type)).toEqual(['pii.email', 'pii.us_ssn', 'pii.email']);
  });

  it('passes clean text', async () => {
    const s = piiScanner.create(piiScanner.parseOptions(undefined));
    const r = await s.scan({ text: 'How do I sort a list in Python?', stage: 'input', origin: 'user' }, ctx);
    expect(r).toEqual({ verdict: 'pass', score: 0, findings: [] });
  });

  it('limits detection to the configured types and rejects unknown options', async () => {
    const s = piiScanner.create(piiScanner.parseOptions({ types: ['US_SSN'], pseudonymise: true }));
    const r = await s.scan({ text: 'ana@corp.example.io 412-63-8057', stage: 'output', origin: 'completion' }, ctx);
    expect(r.text).toBe('ana@corp.example.io [US_SSN_1]');
    expect(() => piiScanner.parseOptions({ typo: 1 })).toThrow();
  });

  it('throws ScanTimeoutError on a large dense input once its deadline has passed, and scans normally after', async () => {
    const s = piiScanner.create(piiScanner.parseOptions({}));
    const dense = 'call 555 0100 or 4111 1111 1111 1112 on 2024-01-02, a.b@c.de http://h.io/p '.repeat(20_000);
    const late = { ...ctx, now: () => 10, deadline: 5 };
    expect(() => s.scan({ text: dense, stage: 'input', origin: 'user' }, late)).toThrow(ScanTimeoutError);
    // Below the check stride a text is never checked: prompts pay no clock reads.
    const r = await s.scan({ text: 'ana@corp.example.io', stage: 'input', origin: 'user' }, late);
    expect(r.text).toBe('[EMAIL_1]');
  });
});
