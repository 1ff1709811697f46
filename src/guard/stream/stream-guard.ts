/** @module Incremental output guard for streamed answers: a bounded hold-back window re-scanned per chunk. */
import type { TextOrigin } from '../../core/finding.js';
import { hostTimers } from '../attempt-scan.js';
import { guardText, planGuards, type FindingEvent, type GuardTextSink } from '../guard-text.js';
import type { ResolvedGuardPolicy } from '../policy.js';
import { ReportAccumulator, scanContextOf, type GuardReport, type GuardRunContext } from '../runner.js';
import type { Scanner } from '../types.js';

export const DEFAULT_HOLD_BACK = 64;

export type StreamGuardOptions = {
  readonly ctx: GuardRunContext;
  /** Most UTF-16 code units held back from the client at any time. Default 64. */
  readonly holdBack?: number;
  readonly origin?: TextOrigin;
};

export type StreamStep = { readonly emit: string; readonly blocked?: GuardReport<never> };
export type StreamEnd = { readonly emit: string; readonly report: GuardReport<never> };

export interface StreamGuard {
  /** Scans `held + delta`; resolves with the text now safe to send. Calls are serialised. */
  push(delta: string): Promise<StreamStep>;
  /** Scans and releases what is held; the report covers the whole stream. */
  end(): Promise<StreamEnd>;
}

/**
 * Guarantees, with H = holdBack, counting UTF-16 code units:
 * 1. At most H units are held after any push; each push scans at most H + |delta| units, so a stream of n units
 *    in chunks costs O(n + H * chunks), never O(n^2).
 * 2. A match of length <= H (an e-mail, a key, a canary token, a tag-character run) is scanned whole before any
 *    of its units is emitted: a unit is released only once H later units have been seen with it, or at end().
 *    So such a match is redacted or blocked before it reaches the client.
 * 3. After a block nothing more is emitted; the blocked report is returned by that push and every later call.
 * 4. A redaction is emitted only once the match is away from the window's end (it could still grow) or when
 *    keeping it would exceed H. Limits: a match longer than H may be partly emitted before it is detected (the
 *    rest is then redacted or the stream blocked); detection that needs more than H units of left context
 *    (verbatim system-prompt chunks, long URLs) sees only the window; when one scanner redacts two matches
 *    in one window, they are released together, and a second match still growing at the window's end may let
 *    its continuation through. Findings are counted once per scanner, type and start position in the stream
 *    (approximate where an earlier scanner's redaction in the same window shifts positions).
 */
export function createStreamGuard(scanners: readonly Scanner[], policy: ResolvedGuardPolicy, opts: StreamGuardOptions): StreamGuard {
  const hold = Math.max(0, Math.floor(opts.holdBack ?? DEFAULT_HOLD_BACK));
  const origin = opts.origin ?? 'completion';
  const steps = planGuards('output', scanners, policy);
  const scanCtx = scanContextOf(opts.ctx);
  const timers = opts.ctx.timers ?? hostTimers;
  const acc = new ReportAccumulator(steps);
  const seen = new Set<string>();
  const state = { held: '', base: 0, redacted: false, blocked: undefined as GuardReport<never> | undefined, ended: false };
  let queue: Promise<unknown> = Promise.resolve();

  const sinkFor = (windowBase: number): GuardTextSink => ({
    timing: (i, ms) => acc.timing(i, ms),
    finding: (e: FindingEvent) => {
      // Keyed by start: a match that grows at its end while the window slides (an e-mail's TLD) is one finding.
      const key = e.start === undefined ? `${e.scannerId}\u0000${e.type}` : `${e.scannerId}\u0000${e.type}\u0000${windowBase + e.start}`;
      if (seen.has(key)) return;
      seen.add(key);
      acc.finding(e);
    },
  });

  const prune = (): void => {
    if (seen.size < 4096) return;
    // Positional keys older than the window can never recur; keep span-less keys (counted once per stream).
    for (const k of seen) {
      const parts = k.split('\u0000');
      if (parts.length === 3 && Number(parts[2]) < state.base) seen.delete(k);
    }
  };

  const scan = async (window: string): Promise<string | undefined> => {
    const r = await guardText('output', window, origin, steps, policy, scanCtx, timers, sinkFor(state.base), scanCtx.now() + policy.budgetMs);
    if (!r.blocked) return r.text;
    acc.blocked = true;
    state.blocked = acc.report<never>('output', new Map<never, string>(), state.redacted);
    state.held = '';
    return undefined;
  };

  const doPush = async (delta: string): Promise<StreamStep> => {
    if (state.blocked !== undefined) return { emit: '', blocked: state.blocked };
    if (state.ended) return { emit: '' };
    if (steps.length === 0) return { emit: delta };
    if (delta.length === 0) return { emit: '' };
    const w = state.held + delta;
    const r = await scan(w);
    if (r === undefined || state.blocked !== undefined) return { emit: '', ...(state.blocked ? { blocked: state.blocked } : {}) };
    const { emit, held } = split(w, r, hold);
    if (r !== w) state.redacted = true;
    state.base += w.length - held.length;
    state.held = held;
    prune();
    return { emit };
  };

  const doEnd = async (): Promise<StreamEnd> => {
    if (state.blocked !== undefined) return { emit: '', report: state.blocked };
    if (state.ended) return { emit: '', report: acc.report<never>('output', new Map<never, string>(), state.redacted) };
    state.ended = true;
    let emit = state.held;
    if (steps.length > 0 && state.held.length > 0) {
      const r = await scan(state.held);
      if (r === undefined && state.blocked !== undefined) return { emit: '', report: state.blocked };
      if (r === undefined) return { emit: '', report: acc.report<never>('output', new Map<never, string>(), state.redacted) };
      if (r !== state.held) state.redacted = true;
      emit = r;
    }
    state.held = '';
    return { emit, report: acc.report<never>('output', new Map<never, string>(), state.redacted) };
  };

  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    push: (delta) => serial(() => doPush(delta)),
    end: () => serial(doEnd),
  };
}

/** Moves a cut forward past a low surrogate so a pair is never split between emitted and held text. */
function safeCut(s: string, i: number): number {
  if (i <= 0 || i >= s.length) return Math.max(0, Math.min(i, s.length));
  const hi = s.charCodeAt(i - 1);
  const lo = s.charCodeAt(i);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff ? i + 1 : i;
}

/**
 * Splits the scanned window `w` (raw) and its guarded form `r` into text to emit now and raw text to hold.
 * Held text is always raw so that the next chunk is scanned against what the model actually wrote.
 */
export function split(w: string, r: string, hold: number): { emit: string; held: string } {
  const rawCut = safeCut(w, w.length - hold);
  if (r === w) return { emit: w.slice(0, rawCut), held: w.slice(rawCut) };
  const max = Math.min(w.length, r.length);
  let p = 0;
  while (p < max && w.charCodeAt(p) === r.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && w.charCodeAt(w.length - 1 - s) === r.charCodeAt(r.length - 1 - s)) s++;
  if (p >= rawCut) {
    // Every change lies in the held zone: keep it raw and re-scan with the next chunk (the match may still grow).
    return { emit: w.slice(0, rawCut), held: w.slice(rawCut) };
  }
  if (s >= w.length - rawCut) {
    // Every change lies before the held zone, whose raw tail is identical in r.
    const keep = w.length - rawCut;
    return { emit: r.slice(0, r.length - keep), held: w.slice(rawCut) };
  }
  // A change straddles the cut: release it whole and hold only the unchanged raw tail after it (< hold units).
  const tail = safeCut(w, w.length - s);
  const keep = w.length - tail;
  return { emit: r.slice(0, r.length - keep), held: w.slice(tail) };
}
