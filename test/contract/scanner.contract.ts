/** @module The contract every scanner passes (STYLE.md §3): `describeScanner(def, samples)` registers one vitest suite. */
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/core/finding.js';
import type { ScanContext, ScanRequest, ScanResult, ScannerDefinition } from '../../src/guard/types.js';
import { mulberry32 } from '../../scripts/eval/prng.js';

export type ScannerSamples = {
  /** Raw options as they would appear in the config; parsed with the definition's parseOptions. */
  readonly options?: unknown;
  /** Texts that must pass on every stage of the scanner. */
  readonly benign: readonly string[];
  /** Texts the scanner must not pass (verdict redact or block), with the stage to scan them on. */
  readonly positive?: readonly { readonly text: string; readonly stage?: Stage }[];
  /** Finding types allowed without the `<id>.` prefix (document them beside the scanner). */
  readonly extraTypes?: readonly string[];
  readonly request?: ScanRequest;
  /** Upper bound for 1 MiB of mixed Unicode, ms. Default 1000 (CI machines are noisy; the bench measures properly). */
  readonly largeInputMs?: number;
  /** Random strings to fuzz with. Default 300. */
  readonly fuzzRuns?: number;
};

const ID = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

function ctxOf(request: ScanRequest | undefined, signal = new AbortController().signal): ScanContext {
  const base = { signal, now: () => performance.now(), logger: { warn: () => undefined } };
  return request === undefined ? base : { ...base, request };
}

/** Code points an attacker likes: invisible, bidi, tags, selectors, surrogates (lone too), confusables, emoji. */
const SPICY = [
  0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x202e, 0x2066, 0x200e, 0xfe0f, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x430, 0x3bf,
  0x0, 0xa, 0x5b, 0x5d, 0x28, 0x29, 0x21, 0x3a, 0x2f, 0x40, 0x2e, 0x3d, 0x3f, 0x26, 0x3c, 0x3e, 0x22,
];

export function randomText(next: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    const r = next();
    if (r < 0.35) s += String.fromCharCode(0x20 + Math.floor(next() * 95));
    else if (r < 0.6) s += String.fromCharCode(SPICY[Math.floor(next() * SPICY.length)] ?? 0x20);
    else if (r < 0.7) s += String.fromCodePoint(0xe0000 + Math.floor(next() * 0x200));
    else if (r < 0.8) s += String.fromCodePoint(0x1f300 + Math.floor(next() * 0x300));
    else if (r < 0.9) s += String.fromCharCode(Math.floor(next() * 0x10000));
    else s += ['https://', 'evil.com/x?d=', '![a](', 'sk-', '@example.com', 'ignore previous', '\n\n'][Math.floor(next() * 7)] ?? '';
  }
  return s;
}

/** 1 MiB (UTF-16 units) mixing scripts, emoji, invisible characters and near-matches of common patterns. */
export function mixedUnicode(units: number): string {
  const parts = ['The quick brown fox ', 'Привет мир ', 'Καλημέρα ', '你好世界 ', 'مرحبا ', '😀👍🏽 ', 'a\u200Bb ', 'x@y ',
    'http:// ', '![', '](', 'sk-abc ', '\u202E', '\uFE0F', 'раypal ', '\u{E0041}'];
  let s = '';
  let i = 0;
  while (s.length < units) s += parts[i++ % parts.length];
  return s.slice(0, units);
}

function checkShape(r: ScanResult, id: string, extraTypes: readonly string[], textLength: number): void {
  expect(['pass', 'redact', 'block']).toContain(r.verdict);
  expect(r.score).toBeGreaterThanOrEqual(0);
  expect(r.score).toBeLessThanOrEqual(1);
  expect(r.text !== undefined).toBe(r.verdict === 'redact');
  expect(Array.isArray(r.findings)).toBe(true);
  for (const f of r.findings) {
    expect(f.type === id || f.type.startsWith(`${id}.`) || extraTypes.includes(f.type)).toBe(true);
    expect(f.score).toBeGreaterThanOrEqual(0);
    expect(f.score).toBeLessThanOrEqual(1);
    if (f.start !== undefined || f.end !== undefined) {
      expect(Number.isInteger(f.start) && Number.isInteger(f.end)).toBe(true);
      expect(f.start as number).toBeGreaterThanOrEqual(0);
      expect(f.end as number).toBeGreaterThanOrEqual(f.start as number);
      expect(f.end as number).toBeLessThanOrEqual(textLength);
    }
  }
}

export function describeScanner<O>(def: ScannerDefinition<O>, samples: ScannerSamples): void {
  const extra = samples.extraTypes ?? [];
  describe(`scanner contract: ${def.id}`, () => {
    const make = () => def.create(def.parseOptions(samples.options));
    const ctx = ctxOf(samples.request);

    it('has a stable dotted lower-case id and a non-empty list of stages', () => {
      const a = make();
      const b = make();
      expect(def.id).toMatch(ID);
      expect(a.id).toBe(def.id);
      expect(b.id).toBe(def.id);
      expect(a.stages.length).toBeGreaterThan(0);
      expect([...a.stages].sort()).toEqual([...def.stages].sort());
      for (const s of a.stages) expect(['input', 'output']).toContain(s);
    });

    it('passes empty and benign text on every stage', async () => {
      const s = make();
      for (const stage of s.stages) {
        for (const text of ['', ...samples.benign]) {
          const r = await s.scan({ text, stage, origin: stage === 'input' ? 'user' : 'completion' }, ctx);
          checkShape(r, def.id, extra, text.length);
          expect({ text, verdict: r.verdict }).toEqual({ text, verdict: 'pass' });
        }
      }
    });

    it('does not pass its positive samples, and reports well-formed findings', async () => {
      const s = make();
      for (const p of samples.positive ?? []) {
        const stage = p.stage ?? s.stages[0] ?? 'input';
        const r = await s.scan({ text: p.text, stage, origin: stage === 'input' ? 'user' : 'completion' }, ctx);
        checkShape(r, def.id, extra, p.text.length);
        expect({ text: p.text, verdict: r.verdict }).not.toEqual({ text: p.text, verdict: 'pass' });
        expect(r.findings.length).toBeGreaterThan(0);
      }
    });

    it('finishes 1 MiB of mixed Unicode within its bound', async () => {
      const s = make();
      const text = mixedUnicode(1 << 20);
      for (const stage of s.stages) {
        const t0 = performance.now();
        const r = await s.scan({ text, stage, origin: 'document' }, ctx);
        const ms = performance.now() - t0;
        checkShape(r, def.id, extra, text.length);
        expect(ms).toBeLessThan(samples.largeInputMs ?? 1000);
      }
    });

    it('returns or rejects promptly when its signal is already aborted', async () => {
      const s = make();
      const c = new AbortController();
      c.abort();
      const aborted = ctxOf(samples.request, c.signal);
      const stage = s.stages[0] ?? 'input';
      const outcome = await s.scan({ text: mixedUnicode(64 * 1024), stage, origin: 'user' }, aborted).then(
        (r) => ({ ok: true as const, r }),
        () => ({ ok: false as const }),
      );
      if (outcome.ok) checkShape(outcome.r, def.id, extra, 64 * 1024);
    });

    it('never throws on arbitrary strings, lone surrogates included', async () => {
      const s = make();
      const next = mulberry32(0x5eed); // deterministic: failures reproduce
      const runs = samples.fuzzRuns ?? 300;
      for (let i = 0; i < runs; i++) {
        const text = randomText(next, Math.floor(next() * 600));
        for (const stage of s.stages) {
          let r: ScanResult;
          try {
            r = await s.scan({ text, stage, origin: 'tool' }, ctx);
          } catch (e) {
            throw new Error(`scanner threw on fuzz input #${i} (${JSON.stringify(text)})`, { cause: e });
          }
          checkShape(r, def.id, extra, text.length);
        }
      }
    });
  });
}
