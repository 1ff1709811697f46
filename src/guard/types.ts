/** @module The Scanner contract every guardrail implements (STYLE.md §3). */
import type { Finding, Stage, TextOrigin } from '../core/finding.js';

export type { Finding, Stage, TextOrigin };

export type ScanInput = {
  readonly text: string;
  readonly stage: Stage;
  readonly origin: TextOrigin;
};

export type ScanLogger = { warn(obj: object, msg?: string): void };

export type ScanContext = {
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly logger: ScanLogger;
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
