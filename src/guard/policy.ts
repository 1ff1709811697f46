/** @module Guard policy: the config shape per stage, and its resolution (global < model < tenant) into a frozen lookup. */
import { z } from 'zod';
import type { GuardAction, Stage } from '../core/finding.js';

/** A scanner id or a finding type: dotted lower-case, e.g. `pii`, `pii.email`, `smuggling.tag`. */
const keySchema = z.string().regex(/^[a-z0-9_]{1,64}(?:\.[a-z0-9_]{1,64}){0,7}$/, 'dotted lower-case id');
const actionSchema = z.enum(['block', 'redact', 'flag', 'allow']);

const entrySchema = z
  .object({
    action: actionSchema.optional(),
    /** What a throw or timeout of this scanner does: `block` (the default, fail closed) or `pass` (recorded as `flag`). */
    onError: z.enum(['block', 'pass']).optional(),
    timeoutMs: z.number().positive().max(60_000).optional(),
  })
  .strict();

const stageSchema = z.record(keySchema, z.union([actionSchema, entrySchema]));

/**
 * `guards: { input: { injection: block, pii: redact, pii.email: flag, smuggling: { action: redact, timeoutMs: 20 } },
 * output: {...} }`. The same shape is used globally, in `models[].guards` and per tenant.
 */
export const guardPolicySchema = z
  .object({
    input: stageSchema.optional(),
    output: stageSchema.optional(),
    /** Replace PII and secrets by placeholders the provider sees, and put the values back in the answer for the caller. */
    pseudonymise: z.boolean().optional(),
    /**
     * Milliseconds all scanners of one stage may spend on one request together (every text, every scanner; for a
     * stream, on each window). A scanner that would run past it stops at it and fails per its `onError`.
     */
    budgetMs: z.number().positive().max(60_000).optional(),
  })
  .strict();

export type GuardPolicyConfig = z.infer<typeof guardPolicySchema>;
type StageConfig = NonNullable<GuardPolicyConfig['input']>;

export const DEFAULT_TIMEOUT_MS = 50;
/**
 * The stage budget: however many scanners run, a request's input (or output) scan stops by then. Below the 50 ms a
 * scan may take at most: scanners check their deadline every 64 KiB or region, so a stopped scan ends a few ms late.
 */
export const DEFAULT_BUDGET_MS = 40;

export type ResolvedRule = {
  /** Undefined when a scope only tuned `onError`/`timeoutMs` for a key and no scope set its action. */
  readonly action: GuardAction | undefined;
  readonly onError: 'block' | 'pass';
  readonly timeoutMs: number;
};

export type ResolvedStagePolicy = {
  /** False when no key of the stage has an action other than `allow`: the runner returns at once. */
  readonly active: boolean;
  /** Null-prototype, frozen: key -> rule. */
  readonly rules: Readonly<Record<string, ResolvedRule>>;
  /** Every strict dot-prefix of a key whose action is not `allow`: a scanner named so has work below it. */
  readonly parentsOfActive: ReadonlySet<string>;
};

export type ResolvedGuardPolicy = {
  readonly input: ResolvedStagePolicy;
  readonly output: ResolvedStagePolicy;
  /** Per stage and request: the most specific scope's `budgetMs`, else DEFAULT_BUDGET_MS. */
  readonly budgetMs: number;
};

type Entry = { action?: GuardAction | undefined; onError?: 'block' | 'pass' | undefined; timeoutMs?: number | undefined };

function entryOf(v: StageConfig[string]): Entry {
  return typeof v === 'string' ? { action: v } : v;
}

function isUnder(key: string, prefix: string): boolean {
  return key === prefix || (key.length > prefix.length && key.startsWith(prefix) && key.charCodeAt(prefix.length) === 46);
}

/**
 * Precedence, documented for operators: a more specific scope (tenant over model over global) that sets an action
 * for key K replaces, for K and every key below K (`pii` covers `pii.email`), what less specific scopes said.
 * Within the merged result the most specific key wins (`pii.email` over `pii`). So a tenant's `pii: allow` turns off
 * a global `pii.email: block`, and a tenant's `pii.email: flag` refines a global `pii: redact`. `onError` and
 * `timeoutMs` merge field by field for the same key, the more specific scope winning.
 */
function mergeStage(scopes: readonly (StageConfig | undefined)[]): Map<string, Entry> {
  const merged = new Map<string, Entry>();
  for (const scope of scopes) {
    if (scope === undefined) continue;
    for (const [key, raw] of Object.entries(scope)) {
      const e = entryOf(raw);
      if (e.action !== undefined) {
        for (const [k, old] of merged) {
          if (k !== key && isUnder(k, key) && old.action !== undefined) merged.set(k, { ...old, action: undefined });
        }
      }
      const prev = merged.get(key) ?? {};
      merged.set(key, {
        action: e.action ?? prev.action,
        onError: e.onError ?? prev.onError,
        timeoutMs: e.timeoutMs ?? prev.timeoutMs,
      });
    }
  }
  return merged;
}

function resolveStage(scopes: readonly (StageConfig | undefined)[]): ResolvedStagePolicy {
  const rules: Record<string, ResolvedRule> = Object.create(null) as Record<string, ResolvedRule>;
  const parents = new Set<string>();
  let active = false;
  for (const [key, e] of mergeStage(scopes)) {
    rules[key] = Object.freeze({ action: e.action, onError: e.onError ?? 'block', timeoutMs: e.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    if (e.action !== undefined && e.action !== 'allow') {
      active = true;
      for (let i = key.indexOf('.'); i !== -1; i = key.indexOf('.', i + 1)) parents.add(key.slice(0, i));
    }
  }
  return Object.freeze({ active, rules: Object.freeze(rules), parentsOfActive: parents });
}

/** Computed once per policy snapshot (not per request). Overrides are the same shape as the global policy. */
export function resolveGuardPolicy(
  global: GuardPolicyConfig | undefined,
  modelOverride?: GuardPolicyConfig,
  tenantOverride?: GuardPolicyConfig,
): ResolvedGuardPolicy {
  const scopes = [global, modelOverride, tenantOverride];
  return Object.freeze({
    input: resolveStage(scopes.map((s) => s?.input)),
    output: resolveStage(scopes.map((s) => s?.output)),
    budgetMs: tenantOverride?.budgetMs ?? modelOverride?.budgetMs ?? global?.budgetMs ?? DEFAULT_BUDGET_MS,
  });
}

/** The rule of the longest dot-prefix of `id` that sets an action (or, for settings, any rule), if any. */
function lookup(rules: Readonly<Record<string, ResolvedRule>>, id: string, needAction: boolean): ResolvedRule | undefined {
  let key = id;
  for (;;) {
    const r = rules[key];
    if (r !== undefined && (!needAction || r.action !== undefined)) return r;
    const dot = key.lastIndexOf('.');
    if (dot === -1) return undefined;
    key = key.slice(0, dot);
  }
}

/** A scanner runs on a stage when its id (or a prefix) has a non-`allow` action, or some key below its id does. */
export function scannerEnabled(policy: ResolvedGuardPolicy, stage: Stage, scannerId: string): boolean {
  const p = policy[stage];
  if (!p.active) return false;
  const a = lookup(p.rules, scannerId, true)?.action;
  return (a !== undefined && a !== 'allow') || p.parentsOfActive.has(scannerId);
}

const DEFAULT_SETTINGS: Pick<ResolvedRule, 'onError' | 'timeoutMs'> = Object.freeze({ onError: 'block', timeoutMs: DEFAULT_TIMEOUT_MS });

/** `onError` and `timeoutMs` of a scanner: from its own key, else the nearest prefix key, else the defaults. */
export function scannerSettings(policy: ResolvedGuardPolicy, stage: Stage, scannerId: string): Pick<ResolvedRule, 'onError' | 'timeoutMs'> {
  return lookup(policy[stage].rules, scannerId, false) ?? DEFAULT_SETTINGS;
}

/**
 * The action for one finding: the longest dot-prefix of its type with an action; findings whose type does not
 * sit under the scanner id (e.g. GW_GUARD_SCANNER_FAILED) fall back to the scanner id's rule. Unconfigured = allow.
 */
export function findingAction(policy: ResolvedGuardPolicy, stage: Stage, scannerId: string, findingType: string): GuardAction {
  const rules = policy[stage].rules;
  return lookup(rules, findingType, true)?.action ?? lookup(rules, scannerId, true)?.action ?? 'allow';
}
