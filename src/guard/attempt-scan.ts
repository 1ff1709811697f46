/** @module One scanner call under a time limit, normalised to data: a valid result or a failure reason, never a throw. */
import { ScanTimeoutError } from './deadline.js';
import type { ScanContext, ScanInput, ScanRequest, ScanResult, Scanner } from './types.js';

export type ScanFailure = 'threw' | 'timeout' | 'overrun' | 'invalid_result';

export type ScanAttempt =
  | { readonly ok: true; readonly result: ScanResult; readonly ms: number }
  | { readonly ok: false; readonly reason: ScanFailure; readonly ms: number };

/** Injected so the guard room never touches the host's timers directly and tests can drive them. */
export type GuardTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const hostTimers: GuardTimers = Object.freeze({
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, ms),
  clearTimeout: (h: unknown): void => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
});

const TIMEOUT = Symbol('timeout');
const noop = (): void => undefined;

/** A scanner that stopped itself at its deadline timed out; any other throw is a failure of its own. */
const thrown = (e: unknown): ScanFailure => (e instanceof ScanTimeoutError ? 'timeout' : 'threw');

/**
 * `ctx` with this call's deadline. The signal is read through, not copied: the run's context may make it lazily
 * (runner.ts scanContextOf), and most scanners never look. A class, its getter on the prototype: an object literal
 * with a getter made a closure and an accessor per call, about 2% of a 2 KB input pipeline (four calls).
 */
class DeadlineContext implements ScanContext {
  readonly now: () => number;
  readonly logger: ScanContext['logger'];
  readonly request?: ScanRequest;
  constructor(
    private readonly base: ScanContext,
    readonly deadline: number,
    /** The call's own signal (`mode: 'io'` scanners), else the run's, read through. */
    private readonly own?: AbortSignal,
  ) {
    this.now = base.now;
    this.logger = base.logger;
    if (base.request !== undefined) this.request = base.request;
  }

  get signal(): AbortSignal {
    return this.own ?? this.base.signal;
  }
}

/**
 * What a time limit means here. JavaScript cannot pre-empt synchronous work: a timer callback only runs after the
 * scanner's synchronous part has returned, so for CPU-bound scanners (all offline ones) a timer would cost a
 * setTimeout/clearTimeout pair per call and stop nothing. Instead each call gets `ctx.deadline` (start + limit):
 * scanners with long loops check it now and then and throw ScanTimeoutError, reported as `timeout`, so an oversized
 * input costs about the limit. The runner also measures the synchronous part with the injected clock and treats an
 * overrun as a failure (fail closed), for scanners that do not check. Only when the returned promise is still pending after the
 * synchronous part (real I/O, or a scanner that defers work) is a timer armed for the remaining budget. Scanners
 * declaring `mode: 'io'` also get their own AbortSignal, aborted at the deadline or when the request's signal fires.
 */
export async function attemptScan(
  scanner: Scanner,
  input: ScanInput,
  ctx: ScanContext,
  timeoutMs: number,
  timers: GuardTimers,
): Promise<ScanAttempt> {
  const t0 = ctx.now();
  let ctrl: AbortController | undefined;
  let unlink = noop;
  let scanCtx = new DeadlineContext(ctx, t0 + timeoutMs);
  if (scanner.mode === 'io') {
    const c = new AbortController();
    ctrl = c;
    const parent = ctx.signal;
    if (parent.aborted) c.abort(parent.reason);
    const onAbort = (): void => c.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    unlink = () => parent.removeEventListener('abort', onAbort);
    scanCtx = new DeadlineContext(ctx, t0 + timeoutMs, c.signal);
  }
  const fail = (reason: ScanFailure): ScanAttempt => {
    unlink();
    return { ok: false, reason, ms: ctx.now() - t0 };
  };
  let p: Promise<ScanResult>;
  try {
    p = scanner.scan(input, scanCtx);
  } catch (e) {
    return fail(thrown(e));
  }
  if (typeof (p as unknown as { then?: unknown } | null)?.then !== 'function') return fail('invalid_result');
  const syncMs = ctx.now() - t0;
  // One reaction plus one microtask tick tells whether `p` had already settled (its reaction is queued first):
  // cheaper than Promise.race, and no timer is armed for synchronous scanners. An `async` scan that stopped at its
  // deadline has rejected by then, so it is told from an overrun (a scan that finished late).
  const probe: { state: 0 | 1 | 2; value: unknown } = { state: 0, value: undefined };
  p.then(
    (v) => {
      probe.state = 1;
      probe.value = v;
    },
    (e: unknown) => {
      probe.state = 2;
      probe.value = e;
    },
  );
  await null;
  if (probe.state === 2) return fail(thrown(probe.value));
  if (syncMs > timeoutMs) {
    ctrl?.abort();
    return fail('overrun');
  }
  let settled: unknown;
  let ms = syncMs;
  if (probe.state === 1) settled = probe.value;
  else {
    try {
      settled = await withTimer(p, timeoutMs - syncMs, timers);
    } catch (e) {
      return fail(thrown(e));
    }
    if (settled === TIMEOUT) {
      ctrl?.abort();
      return fail('timeout');
    }
    ms = ctx.now() - t0;
    if (ms > timeoutMs) return fail('timeout');
  }
  if (!isValidResult(settled, input.text.length)) return fail('invalid_result');
  unlink();
  return { ok: true, result: settled, ms };
}

function withTimer(p: Promise<ScanResult>, ms: number, timers: GuardTimers): Promise<ScanResult | typeof TIMEOUT> {
  return new Promise((resolve, reject) => {
    const h = timers.setTimeout(() => resolve(TIMEOUT), Math.max(0, ms));
    p.then(
      (r) => {
        timers.clearTimeout(h);
        resolve(r);
      },
      (e: unknown) => {
        timers.clearTimeout(h);
        reject(e instanceof Error ? e : new Error('scanner rejected'));
      },
    );
  });
}

function isUnitScore(x: unknown): boolean {
  return typeof x === 'number' && x >= 0 && x <= 1;
}

/** A scanner that returns garbage is as untrustworthy as one that throws: the runner fails closed on it. */
function isValidResult(r: unknown, textLength: number): r is ScanResult {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as { verdict?: unknown; score?: unknown; findings?: unknown; text?: unknown };
  if (o.verdict !== 'pass' && o.verdict !== 'redact' && o.verdict !== 'block') return false;
  if (!isUnitScore(o.score) || !Array.isArray(o.findings)) return false;
  if (o.text !== undefined && typeof o.text !== 'string') return false;
  for (const f of o.findings as unknown[]) {
    if (typeof f !== 'object' || f === null) return false;
    const g = f as { type?: unknown; score?: unknown; start?: unknown; end?: unknown };
    if (typeof g.type !== 'string' || g.type.length === 0 || !isUnitScore(g.score)) return false;
    if (g.start !== undefined || g.end !== undefined) {
      if (!Number.isInteger(g.start) || !Number.isInteger(g.end)) return false;
      const s = g.start as number;
      const e = g.end as number;
      if (s < 0 || e < s || e > textLength) return false;
    }
  }
  return true;
}
