/** @module Connects the guard runner to chat bodies: finds every text the model will read, writes redactions back, filters answers. */
import { GatewayError } from '../core/errors.js';
import type { TextOrigin } from '../core/finding.js';
import { guardPolicySchema, resolveGuardPolicy, scannerEnabled, type GuardPolicyConfig, type ResolvedGuardPolicy } from '../guard/policy.js';
import { runGuards, type FindingSummary, type GuardReport, type ScanText } from '../guard/runner.js';
import { createStreamGuard } from '../guard/stream/index.js';
import { randomBytes } from 'node:crypto';
import { insertCanary, makeCanary } from '../guard/scanners/canary/index.js';
import { createPseudonymiser, detectEntities } from '../guard/scanners/pii/index.js';
import { detectSecrets } from '../guard/scanners/secrets/index.js';
import type { Scanner } from '../guard/types.js';
import type { ApiFormat } from './error-body.js';
import type { GuardHooks, GuardRequestInfo, GuardScope, GuardSummary, InputGuardResult, OutputTextFilter } from './guard-hooks.js';

export type GuardConfigInput = {
  readonly global: unknown;
  readonly models: ReadonlyMap<string, unknown>;
  readonly tenants: ReadonlyMap<string, unknown>;
};

type Setter = (text: string) => void;
type Scoped = { readonly policy: ResolvedGuardPolicy; readonly pseudonymise: boolean; readonly canary: boolean; readonly active: boolean };
type Logger = { warn(obj: object, msg?: string): void };

function parsePolicy(raw: unknown, where: string): GuardPolicyConfig | undefined {
  if (raw === undefined) return undefined;
  const r = guardPolicySchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new GatewayError('GW_CONFIG_INVALID', `${where}.${i?.path.map(String).join('.') ?? ''}: ${i?.message ?? 'invalid guard policy'}`);
  }
  return r.data;
}

const summary = (f: readonly FindingSummary[]): GuardSummary => f.map((x) => ({ scanner: x.scannerId, type: x.type, count: x.count, action: x.action }));

function blockMessage(r: GuardReport<unknown>): string {
  const by = r.blockedBy.map((b) => b.type).join(', ');
  return `The request was blocked by a guardrail (${by || 'policy'}).`;
}

/** Collects the texts of an OpenAI or Anthropic body with setters that write into that same (cloned) body. */
export function collectTexts(format: ApiFormat, body: Record<string, unknown>): ScanText<Setter>[] {
  const out: ScanText<Setter>[] = [];
  const addContent = (holder: Record<string, unknown>, key: string, origin: TextOrigin): void => {
    const c = holder[key];
    if (typeof c === 'string') {
      out.push({ text: c, origin, ref: (t) => { holder[key] = t; } });
    } else if (Array.isArray(c)) {
      for (const part of c as Record<string, unknown>[]) {
        if (!part || typeof part !== 'object') continue;
        if (typeof part.text === 'string' && (part.type === 'text' || part.type === undefined)) {
          out.push({ text: part.text, origin, ref: (t) => { part.text = t; } });
        } else if (part.type === 'tool_result') {
          addContent(part, 'content', 'tool');
        } else if (part.type === 'document' && part.source && typeof part.source === 'object') {
          const src = part.source as Record<string, unknown>;
          if (src.type === 'text') addContent(src, 'data', 'document');
        }
      }
    }
  };
  if (format === 'anthropic' && body.system !== undefined) addContent(body, 'system', 'system');
  for (const m of (body.messages as Record<string, unknown>[]) ?? []) {
    const role = m.role;
    const origin: TextOrigin = role === 'system' || role === 'developer' ? 'system' : role === 'assistant' ? 'assistant' : role === 'tool' || role === 'function' ? 'tool' : 'user';
    addContent(m, 'content', origin);
  }
  return out;
}

export function createGuardHooks(scanners: readonly Scanner[], cfg: GuardConfigInput, logger: Logger): GuardHooks {
  const global = parsePolicy(cfg.global, 'guards');
  const models = new Map([...cfg.models].map(([k, v]) => [k, parsePolicy(v, `models[${k}].guards`)]));
  const tenants = new Map([...cfg.tenants].map(([k, v]) => [k, parsePolicy(v, `tenants[${k}].guards`)]));
  // Resolved once per (model, tenant) pair, then reused: the request path never re-resolves.
  const cache = new Map<string, Scoped>();
  const policyFor = (scope: GuardScope): Scoped => {
    const k = `${scope.model}\u0000${scope.tenant}`;
    let p = cache.get(k);
    if (!p) {
      const m = models.get(scope.model);
      const t = tenants.get(scope.tenant);
      const policy = resolveGuardPolicy(global, m, t);
      const pseudonymise = t?.pseudonymise ?? m?.pseudonymise ?? global?.pseudonymise ?? false;
      const canary = scannerEnabled(policy, 'output', 'canary');
      p = { policy, pseudonymise, canary, active: policy.input.active || pseudonymise || canary };
      if (cache.size > 10_000) cache.clear();
      cache.set(k, p);
    }
    return p;
  };
  const ctx = { now: () => performance.now(), logger };

  const input = async (scope: GuardScope, body: Record<string, unknown>, s: Scoped): Promise<InputGuardResult> => {
    // The caller's body is scanned as it is and copied only when something must change, which is the rare case.
    let work = body;
    let texts = collectTexts(scope.format, work);
    let pseudo: ReturnType<typeof createPseudonymiser> | undefined;
    if (s.pseudonymise) {
      // Values become stable placeholders first; the scanners then see what the provider will see.
      pseudo = createPseudonymiser({ detect: (t) => [...detectEntities(t), ...detectSecrets(t)] });
      const redacted = texts.map((t) => pseudo?.redact(t.text) ?? t.text);
      if (pseudo.size > 0) {
        work = structuredClone(body);
        writeBack(collectTexts(scope.format, work), redacted.map((text, i) => [i, text] as const));
        texts = collectTexts(scope.format, work);
      }
    }
    const report = await runGuards('input', texts, scanners, s.policy, ctx);
    const pseudonymised = pseudo !== undefined && pseudo.size > 0;
    const findings = [...summary(report.findings), ...(pseudonymised ? [{ scanner: 'pii', type: 'pii.pseudonymised', count: pseudo?.size ?? 0, action: 'redact' }] : [])];
    if (report.outcome === 'blocked') return { outcome: 'blocked', findings, message: blockMessage(report) };
    if (report.texts.size > 0 || s.canary) {
      const position = new Map(texts.map((t, i) => [t.ref, i]));
      if (work === body) work = structuredClone(body);
      writeBack(collectTexts(scope.format, work), [...report.texts].map(([ref, text]) => [position.get(ref) ?? -1, text] as const));
    }
    const request = s.canary ? plantCanary(scope.format, work) : undefined;
    if (report.texts.size === 0 && !pseudonymised && !request) return { outcome: 'pass', body, findings };
    return {
      outcome: 'redacted', body: work, findings,
      ...(pseudo && pseudonymised ? { restore: restoreFilter(pseudo) } : {}),
      ...(request ? { request } : {}),
    };
  };

  return {
    input: (scope, body) => {
      const s = policyFor(scope);
      return s.active ? input(scope, body, s) : undefined;
    },
    output: (scope, restore, request) => {
      const { policy } = policyFor(scope);
      if (!policy.output.active) return restore;
      const guard = streamFilter(scanners, policy, request ? { ...ctx, request } : ctx);
      // The output guard sees placeholders; only what it lets through gets the real values back.
      return restore ? chain(guard, restore) : guard;
    },
  };
}

/** An OutputTextFilter over the stream guard; a new guard per text block, findings summed over all of them. */
function streamFilter(scanners: readonly Scanner[], policy: ResolvedGuardPolicy, ctx: { now: () => number; logger: Logger; request?: GuardRequestInfo }): OutputTextFilter {
  let guard = createStreamGuard(scanners, policy, { ctx });
  const found: FindingSummary[] = [];
  const blockedText = (r: GuardReport<never>): string => r.blockedBy.map((b) => b.type).join(', ') || 'policy';
  return {
    push: async (delta) => {
      const s = await guard.push(delta);
      if (s.blocked) {
        found.push(...s.blocked.findings);
        return { emit: '', blocked: blockedText(s.blocked) };
      }
      return { emit: s.emit };
    },
    end: async () => {
      const e = await guard.end();
      found.push(...e.report.findings);
      guard = createStreamGuard(scanners, policy, { ctx });
      if (e.report.outcome === 'blocked') return { emit: '', blocked: blockedText(e.report) };
      return { emit: e.emit };
    },
    findings: () => summary(found),
  };
}

/** Writes texts into a body by their position in collectTexts order (the same order for a body and its copy). */
function writeBack(targets: readonly ScanText<Setter>[], texts: Iterable<readonly [number, string]>): void {
  for (const [i, text] of texts) {
    const t = targets[i];
    if (t && t.text !== text) t.ref(text);
  }
}

/** Puts pseudonymised values back into the answer, holding back a possible placeholder split across chunks. */
function restoreFilter(p: ReturnType<typeof createPseudonymiser>): OutputTextFilter {
  let r = p.createRestorer();
  return {
    push: async (delta) => ({ emit: r.push(delta) }),
    end: async () => {
      const emit = r.end();
      r = p.createRestorer();
      return { emit };
    },
    findings: () => [],
  };
}

/** `first` then `second`: a block in either stops the answer. */
function chain(first: OutputTextFilter, second: OutputTextFilter): OutputTextFilter {
  return {
    push: async (delta) => {
      const a = await first.push(delta);
      if (a.blocked !== undefined) return a;
      return second.push(a.emit);
    },
    end: async () => {
      const a = await first.end();
      if (a.blocked !== undefined) return a;
      const b = await second.push(a.emit);
      const c = await second.end();
      return { emit: b.emit + c.emit };
    },
    findings: () => [...first.findings(), ...second.findings()],
  };
}

/**
 * Puts a fresh canary token into the request's system prompt (only where one exists: the leak to detect is of
 * that prompt) and returns what the output guard needs to find it, or an echo of the prompt, in the answer.
 */
function plantCanary(format: ApiFormat, body: Record<string, unknown>): GuardRequestInfo | undefined {
  const canary = makeCanary(randomBytes(8).toString('hex'));
  if (format === 'anthropic') return plantIn(body, 'system', canary);
  const msg = (body.messages as Record<string, unknown>[]).find((m) => m.role === 'system' || m.role === 'developer');
  return msg ? plantIn(msg, 'content', canary) : undefined;
}

/** The canary in `holder[field]`: a string, or the first text block of a list (both APIs' shapes of a system prompt). */
function plantIn(holder: Record<string, unknown>, field: string, canary: string): GuardRequestInfo | undefined {
  const v = holder[field];
  if (typeof v === 'string') {
    holder[field] = insertCanary(v, canary);
    return { systemPrompt: v, canary };
  }
  if (!Array.isArray(v)) return undefined;
  const first = (v as Record<string, unknown>[]).find((b) => b && b.type === 'text' && typeof b.text === 'string');
  if (!first) return undefined;
  const systemPrompt = first.text as string;
  first.text = insertCanary(systemPrompt, canary);
  return { systemPrompt, canary };
}
