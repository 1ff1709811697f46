/** @module The guard runner: every enabled scanner of a stage on every text, time limits, fail closed, policy actions. */
import type { GuardAction, Stage, TextOrigin } from '../core/finding.js';
import { hostTimers, type GuardTimers } from './attempt-scan.js';
import { guardText, planGuards, type FindingEvent, type GuardStep, type GuardTextSink } from './guard-text.js';
import type { ResolvedGuardPolicy } from './policy.js';
import type { ScanContext, ScanLogger, ScanRequest, Scanner } from './types.js';

/** One text the model will read (or wrote). `ref` is opaque: the caller uses it to write redacted text back. */
export type ScanText<R = unknown> = { readonly text: string; readonly origin: TextOrigin; readonly ref: R };

export type GuardRunContext = {
  /** Milliseconds, monotonic, fractional if possible (performance.now in the gateway). */
  readonly now: () => number;
  readonly logger: ScanLogger;
  /** The request's signal (client gone, request deadline); passed to scanners. */
  readonly signal?: AbortSignal;
  readonly request?: ScanRequest;
  readonly timers?: GuardTimers;
};

export type FindingSummary = { readonly scannerId: string; readonly type: string; readonly count: number; readonly action: GuardAction };
export type ScannerTiming = { readonly scannerId: string; readonly ms: number };

export type GuardReport<R = unknown> = {
  readonly stage: Stage;
  readonly outcome: 'pass' | 'redacted' | 'blocked';
  /** Redacted texts by ref; only texts that changed. */
  readonly texts: ReadonlyMap<R, string>;
  /** Acted-on findings (`allow` is not recorded), aggregated by scanner, type and action. Never the matched text. */
  readonly findings: readonly FindingSummary[];
  /** The findings whose action was `block` (empty unless outcome is `blocked`). */
  readonly blockedBy: readonly { readonly scannerId: string; readonly type: string }[];
  /** Milliseconds per enabled scanner, summed over texts. */
  readonly timings: readonly ScannerTiming[];
};

export function passReport<R>(stage: Stage): GuardReport<R> {
  return { stage, outcome: 'pass', texts: new Map<R, string>(), findings: [], blockedBy: [], timings: [] };
}

/**
 * Builds the ScanContext handed to scanners, once per run. Without a request signal, a never-aborted one is made
 * only if a scanner asks for it (an AbortController costs about a microsecond, most scanners never look).
 */
export function scanContextOf(ctx: GuardRunContext): ScanContext {
  const request = ctx.request;
  if (ctx.signal !== undefined) {
    const signal = ctx.signal;
    return request === undefined ? { signal, now: ctx.now, logger: ctx.logger } : { signal, now: ctx.now, logger: ctx.logger, request };
  }
  return new LazySignalContext(ctx.now, ctx.logger, request);
}

/** A ScanContext whose signal is made on first use. A class: an object literal's getter cost a closure per run. */
class LazySignalContext implements ScanContext {
  private lazy: AbortSignal | undefined;
  readonly request?: ScanRequest;
  constructor(
    readonly now: () => number,
    readonly logger: ScanLogger,
    request: ScanRequest | undefined,
  ) {
    if (request !== undefined) this.request = request;
  }

  get signal(): AbortSignal {
    return (this.lazy ??= new AbortController().signal);
  }
}

type FindingCount = { scannerId: string; type: string; action: GuardAction; count: number };

/** Aggregates findings and timings of one run (or of one stream) into report fields. */
export class ReportAccumulator implements GuardTextSink {
  /** In order of first occurrence: the order of the report's findings. */
  private readonly counts: FindingCount[] = [];
  /**
   * The same counts by scanner id, then type (strings a scanner reuses, whose hashes V8 keeps): a 4 MiB text's
   * thousands of findings are counted without building a key string each, which took milliseconds after the scan.
   */
  private readonly index = new Map<string, Map<string, FindingCount[]>>();
  private readonly ms: number[];
  blocked = false;

  constructor(private readonly steps: readonly GuardStep[]) {
    this.ms = steps.map(() => 0);
  }

  finding(e: FindingEvent): void {
    let byType = this.index.get(e.scannerId);
    if (byType === undefined) this.index.set(e.scannerId, (byType = new Map()));
    let list = byType.get(e.type);
    if (list === undefined) byType.set(e.type, (list = []));
    for (const c of list) {
      if (c.action === e.action) {
        c.count++;
        return;
      }
    }
    const c: FindingCount = { scannerId: e.scannerId, type: e.type, action: e.action, count: 1 };
    list.push(c);
    this.counts.push(c);
  }

  timing(stepIndex: number, ms: number): void {
    this.ms[stepIndex] = (this.ms[stepIndex] ?? 0) + ms;
  }

  report<R>(stage: Stage, texts: ReadonlyMap<R, string>, redacted = texts.size > 0): GuardReport<R> {
    const findings: FindingSummary[] = [];
    const blockedBy: { scannerId: string; type: string }[] = [];
    for (const c of this.counts) {
      findings.push({ scannerId: c.scannerId, type: c.type, count: c.count, action: c.action });
      if (c.action === 'block') blockedBy.push({ scannerId: c.scannerId, type: c.type });
    }
    const timings = this.steps.map((s, i) => ({ scannerId: s.scanner.id, ms: this.ms[i] ?? 0 }));
    const outcome = this.blocked ? 'blocked' : redacted ? 'redacted' : 'pass';
    return { stage, outcome, texts, findings, blockedBy, timings };
  }
}

/**
 * Runs the stage's enabled scanners (in the order given) over every text, including tool results and documents,
 * since indirect injection arrives there, within the policy's stage budget (`budgetMs`, all texts together).
 * Returns as soon as a finding blocks. Never throws for a scanner's sake: failures (a timeout included) become
 * `GW_GUARD_SCANNER_FAILED` findings that block unless the scanner's policy says `onError: pass`.
 */
export async function runGuards<R>(
  stage: Stage,
  texts: readonly ScanText<R>[],
  scanners: readonly Scanner[],
  policy: ResolvedGuardPolicy,
  ctx: GuardRunContext,
): Promise<GuardReport<R>> {
  if (!policy[stage].active || texts.length === 0) return passReport(stage);
  const steps = planGuards(stage, scanners, policy);
  if (steps.length === 0) return passReport(stage);
  const scanCtx = scanContextOf(ctx);
  const timers = ctx.timers ?? hostTimers;
  const acc = new ReportAccumulator(steps);
  const changed = new Map<R, string>();
  const budgetEnd = ctx.now() + policy.budgetMs;
  for (const t of texts) {
    const r = await guardText(stage, t.text, t.origin, steps, policy, scanCtx, timers, acc, budgetEnd);
    if (r.blocked) {
      acc.blocked = true;
      break;
    }
    if (r.text !== t.text) changed.set(t.ref, r.text);
  }
  return acc.report(stage, changed);
}
