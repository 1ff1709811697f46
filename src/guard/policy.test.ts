/** @module Guard policy resolution: config validation, precedence of scopes and keys, scanner enablement. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, findingAction, guardPolicySchema, resolveGuardPolicy, scannerEnabled, scannerSettings } from './policy.js';

describe('guardPolicySchema', () => {
  it('accepts actions, per-type keys and per-scanner settings', () => {
    const cfg = guardPolicySchema.parse({
      input: { injection: 'block', pii: 'redact', 'pii.email': 'flag', smuggling: { action: 'redact', onError: 'pass', timeoutMs: 20 } },
      output: { exfil: 'redact' },
    });
    expect(cfg.input?.['pii.email']).toBe('flag');
  });

  it('rejects unknown actions, stages, fields and malformed keys', () => {
    expect(guardPolicySchema.safeParse({ input: { pii: 'mask' } }).success).toBe(false);
    expect(guardPolicySchema.safeParse({ middle: {} }).success).toBe(false);
    expect(guardPolicySchema.safeParse({ input: { pii: { action: 'block', retries: 3 } } }).success).toBe(false);
    expect(guardPolicySchema.safeParse({ input: { 'PII Email': 'block' } }).success).toBe(false);
    expect(guardPolicySchema.safeParse({ input: { pii: { timeoutMs: -1 } } }).success).toBe(false);
  });
});

describe('resolveGuardPolicy', () => {
  it('returns a frozen policy', () => {
    const p = resolveGuardPolicy({ input: { pii: 'redact' } });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.input)).toBe(true);
    expect(Object.isFrozen(p.input.rules)).toBe(true);
  });

  it('uses the most specific finding-type key within a scope', () => {
    const p = resolveGuardPolicy({ input: { pii: 'redact', 'pii.email': 'flag' } });
    expect(findingAction(p, 'input', 'pii', 'pii.email')).toBe('flag');
    expect(findingAction(p, 'input', 'pii', 'pii.phone')).toBe('redact');
    expect(findingAction(p, 'input', 'pii', 'pii.email.work')).toBe('flag');
  });

  it('lets the tenant override the model and the model override the global policy', () => {
    const global = { input: { injection: 'flag' as const, pii: 'redact' as const } };
    const model = { input: { injection: 'block' as const } };
    const tenant = { input: { pii: 'allow' as const } };
    const p = resolveGuardPolicy(global, model, tenant);
    expect(findingAction(p, 'input', 'injection', 'injection.rule')).toBe('block');
    expect(findingAction(p, 'input', 'pii', 'pii.email')).toBe('allow');
    expect(findingAction(resolveGuardPolicy(global, model), 'input', 'pii', 'pii.email')).toBe('redact');
  });

  it("drops a less specific scope's sub-keys when a more specific scope sets the parent", () => {
    const p = resolveGuardPolicy({ input: { 'pii.email': 'block', pii: 'redact' } }, undefined, { input: { pii: 'flag' } });
    expect(findingAction(p, 'input', 'pii', 'pii.email')).toBe('flag');
  });

  it("keeps a more specific scope's sub-key over a less specific scope's parent", () => {
    const p = resolveGuardPolicy({ input: { pii: 'redact' } }, undefined, { input: { 'pii.email': 'flag' } });
    expect(findingAction(p, 'input', 'pii', 'pii.email')).toBe('flag');
    expect(findingAction(p, 'input', 'pii', 'pii.phone')).toBe('redact');
  });

  it('merges onError and timeoutMs field by field and defaults to fail closed', () => {
    const p = resolveGuardPolicy({ input: { pii: { action: 'redact', timeoutMs: 30 } } }, { input: { pii: { onError: 'pass' } } }, { input: { pii: 'flag' } });
    expect(scannerSettings(p, 'input', 'pii')).toEqual({ action: 'flag', onError: 'pass', timeoutMs: 30 });
    expect(scannerSettings(p, 'input', 'injection')).toEqual({ onError: 'block', timeoutMs: DEFAULT_TIMEOUT_MS });
  });

  it('treats unconfigured finding types as allow, and falls back to the scanner rule for foreign types', () => {
    const p = resolveGuardPolicy({ input: { pii: 'block' } });
    expect(findingAction(p, 'input', 'secrets', 'secrets.aws')).toBe('allow');
    expect(findingAction(p, 'input', 'pii', 'GW_GUARD_SCANNER_FAILED')).toBe('block');
  });

  it('enables a scanner with an action, or with an active key below it, and not for allow only', () => {
    const p = resolveGuardPolicy({ input: { injection: 'block', pii: 'allow', 'pii.email': 'redact', harmful: 'allow' } });
    expect(scannerEnabled(p, 'input', 'injection')).toBe(true);
    expect(scannerEnabled(p, 'input', 'pii')).toBe(true);
    expect(scannerEnabled(p, 'input', 'harmful')).toBe(false);
    expect(scannerEnabled(p, 'input', 'secrets')).toBe(false);
    expect(scannerEnabled(p, 'output', 'injection')).toBe(false);
    expect(p.output.active).toBe(false);
  });

  it('marks a stage inactive when every key is allow', () => {
    expect(resolveGuardPolicy({ input: { pii: 'allow' } }).input.active).toBe(false);
    expect(resolveGuardPolicy(undefined).input.active).toBe(false);
  });
});
