/** @module One text through the enabled scanners of a stage: policy actions per finding, redactions threaded in order. */
import type { GuardAction, Stage, TextOrigin } from '../core/finding.js';
import { attemptScan, type GuardTimers, type ScanAttempt } from './attempt-scan.js';
import { findingAction, scannerEnabled, scannerSettings, type ResolvedGuardPolicy } from './policy.js';
import type { Finding, ScanContext, ScanResult, Scanner } from './types.js';

export const SCANNER_FAILED = 'GW_GUARD_SCANNER_FAILED';

export type GuardStep = { readonly scanner: Scanner; readonly timeoutMs: number; readonly onError: 'block' | 'pass' };

/** One acted-on finding; `start`/`end` are offsets in the text that scanner saw (after earlier redactions). */
export type FindingEvent = {
  readonly scannerId: string;
  readonly type: string;
  readonly action: GuardAction;
  readonly start: number | undefined;
  readonly end: number | undefined;
  readonly inputLength: number;
};

export type GuardTextSink = {
  finding(e: FindingEvent): void;
  timing(stepIndex: number, ms: number): void;
};

/** The scanners that run on `stage`, in the caller's order, with their time limits. Cheap; done per call. */
export function planGuards(stage: Stage, scanners: readonly Scanner[], policy: ResolvedGuardPolicy): readonly GuardStep[] {
  if (!policy[stage].active) return [];
  const steps: GuardStep[] = [];
  for (const scanner of scanners) {
    if (!scanner.stages.includes(stage) || !scannerEnabled(policy, stage, scanner.id)) continue;
    const s = scannerSettings(policy, stage, scanner.id);
    steps.push({ scanner, timeoutMs: s.timeoutMs, onError: s.onError });
  }
  return steps;
}

export type GuardTextResult = { readonly text: string; readonly blocked: boolean };

/** What a scanner gets when the stage budget is gone before its turn: it does not run, and fails as a timeout. */
const BUDGET_SPENT: ScanAttempt = Object.freeze({ ok: false, reason: 'timeout', ms: 0 });

/**
 * Runs every step on `text`, threading redacted text to the next step; stops at the first block (fail fast: the
 * remaining scanners could not change the outcome and an attacker should not buy more CPU). `budgetEnd` (ctx.now()
 * time) caps every step's limit, so the steps together stop by it whatever their own limits add up to.
 */
export async function guardText(
  stage: Stage,
  text: string,
  origin: TextOrigin,
  steps: readonly GuardStep[],
  policy: ResolvedGuardPolicy,
  ctx: ScanContext,
  timers: GuardTimers,
  sink: GuardTextSink,
  budgetEnd: number,
): Promise<GuardTextResult> {
  let current = text;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as GuardStep;
    const id = step.scanner.id;
    const limit = Math.min(step.timeoutMs, budgetEnd - ctx.now());
    const attempt = limit > 0 ? await attemptScan(step.scanner, { text: current, stage, origin }, ctx, limit, timers) : BUDGET_SPENT;
    sink.timing(i, attempt.ms);
    if (!attempt.ok) {
      ctx.logger.warn({ scannerId: id, stage, reason: attempt.reason, ms: attempt.ms }, 'guard scanner failed');
      const action: GuardAction = step.onError === 'pass' ? 'flag' : 'block';
      sink.finding({ scannerId: id, type: SCANNER_FAILED, action, start: undefined, end: undefined, inputLength: current.length });
      if (action === 'block') return { text: current, blocked: true };
      continue;
    }
    const applied = applyResult(stage, id, current, attempt.result, policy, sink);
    if (applied.blocked) return applied;
    current = applied.text;
  }
  return { text: current, blocked: false };
}

/**
 * A `pass` verdict carries no actionable findings (scanners may attach low-score evidence). Otherwise each finding
 * gets the policy's action. Redaction uses the scanner's own text when every finding is to be redacted; when only
 * some are, the runner splices those spans itself. A finding the policy wants redacted but that has no span and no
 * scanner text cannot be redacted, so it blocks instead (fail closed).
 */
function applyResult(
  stage: Stage,
  scannerId: string,
  text: string,
  result: ScanResult,
  policy: ResolvedGuardPolicy,
  sink: GuardTextSink,
): GuardTextResult {
  if (result.verdict === 'pass') return { text, blocked: false };
  const findings: readonly Finding[] = result.findings.length > 0 ? result.findings : [{ type: scannerId, score: result.score }];
  // One policy lookup per finding type, not per finding: a large text has thousands of findings of a few types.
  const byType = findings.length > 8 ? new Map<string, GuardAction>() : undefined;
  const actions: GuardAction[] = findings.map((f) => {
    if (byType === undefined) return findingAction(policy, stage, scannerId, f.type);
    let a = byType.get(f.type);
    if (a === undefined) byType.set(f.type, (a = findingAction(policy, stage, scannerId, f.type)));
    return a;
  });
  let redactCount = 0;
  let blocked = false;
  for (const a of actions) {
    if (a === 'block') blocked = true;
    else if (a === 'redact') redactCount++;
  }
  let out = text;
  if (!blocked && redactCount > 0) {
    if (redactCount === findings.length && result.verdict === 'redact' && result.text !== undefined) {
      out = result.text;
    } else {
      const spliced = spliceRedactions(text, findings, actions);
      if (spliced === undefined) {
        for (let i = 0; i < actions.length; i++) if (actions[i] === 'redact') actions[i] = 'block';
        blocked = true;
      } else out = spliced;
    }
  }
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    const action = actions[i] as GuardAction;
    if (action === 'allow') continue;
    sink.finding({ scannerId, type: f.type, action, start: f.start, end: f.end, inputLength: text.length });
  }
  return { text: out, blocked };
}

/** Replaces the spans of findings marked `redact` with `[REDACTED:type]`; undefined when one has no span. */
function spliceRedactions(text: string, findings: readonly Finding[], actions: readonly GuardAction[]): string | undefined {
  const spans: { start: number; end: number; type: string }[] = [];
  for (let i = 0; i < findings.length; i++) {
    if (actions[i] !== 'redact') continue;
    const f = findings[i] as Finding;
    if (f.start === undefined || f.end === undefined) return undefined;
    spans.push({ start: f.start, end: f.end, type: f.type });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) {
      pos = Math.max(pos, s.end); // overlaps the previous span: one placeholder covers both
      continue;
    }
    out += text.slice(pos, s.start) + `[REDACTED:${s.type}]`;
    pos = s.end;
  }
  return out + text.slice(pos);
}
