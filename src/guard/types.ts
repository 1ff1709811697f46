/** @module The Scanner contract every guardrail implements (STYLE.md §3). */
import type { Finding, Stage, TextOrigin } from '../core/finding.js';

export type { Finding, Stage, TextOrigin };
export { checkDeadline, DEADLINE_STRIDE, deadlineAt, deadlineFor, ScanTimeoutError, type DeadlineClock } from './deadline.js';

export type ScanInput = {
  readonly text: string;
  readonly stage: Stage;
  readonly origin: TextOrigin;
};

export type ScanLogger = { warn(obj: object, msg?: string): void };

/** Per-request facts some output scanners need (e.g. `canary`); set by the gateway, absent elsewhere. */
export type ScanRequest = {
  /** The system prompt the provider saw, after Warden inserted its canary. */
  readonly systemPrompt?: string;
  /** The canary token Warden inserted into that system prompt. */
  readonly canary?: string;
};

export type ScanContext = {
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly logger: ScanLogger;
  readonly request?: ScanRequest;
  /**
   * When this call's time limit ends, in `now()` milliseconds; set by the runner from the policy's `timeoutMs`. A
   * CPU-bound scanner checks it in its long loops (`deadlineAt`, `checkDeadline`) and throws ScanTimeoutError, so an
   * oversized input costs about the limit rather than the whole scan.
   */
  readonly deadline?: number;
};

export type ScanResult = {
  readonly verdict: 'pass' | 'redact' | 'block';
  /** Risk in [0, 1], 0 = no risk. */
  readonly score: number;
  readonly findings: readonly Finding[];
  /** The redacted text; present only when verdict is `redact`. */
  readonly text?: string;
};

export interface Scanner {
  readonly id: string;
  readonly stages: readonly Stage[];
  /**
   * `io` when `scan` awaits I/O (a remote classifier): the runner then gives it its own AbortSignal that fires at
   * its deadline. Absent or `cpu`: the work is synchronous, so a timer could not interrupt it anyway; the scanner
   * stops itself at `ctx.deadline`, and the runner also measures it afterwards (see guard/attempt-scan.ts).
   */
  readonly mode?: 'cpu' | 'io';
  scan(input: ScanInput, ctx: ScanContext): Promise<ScanResult>;
}

/** A scanner definition: options are a zod-like schema parsed once at config load. */
export type ScannerDefinition<O> = {
  readonly id: string;
  readonly stages: readonly Stage[];
  readonly parseOptions: (raw: unknown) => O;
  readonly create: (options: O) => Scanner;
};

export function defineScanner<O>(def: ScannerDefinition<O>): ScannerDefinition<O> {
  return def;
}
