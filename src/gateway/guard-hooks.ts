/** @module The gateway's view of the guardrails: what to run on a request's input and on its output, if anything. */
import type { ApiFormat } from './error-body.js';

export type GuardSummary = readonly { readonly scanner: string; readonly type: string; readonly count: number; readonly action: string }[];

export type InputGuardResult =
  | {
      readonly outcome: 'pass' | 'redacted';
      readonly body: Record<string, unknown>;
      readonly findings: GuardSummary;
      readonly restore?: OutputTextFilter;
      /** What the output guard needs to know of this request (the system prompt and the canary Warden put in it). */
      readonly request?: GuardRequestInfo;
    }
  | { readonly outcome: 'blocked'; readonly findings: GuardSummary; readonly message: string };

/** An incremental filter over the model's answer text (redaction with hold-back, blocking, pseudonym restoring). */
export type OutputTextFilter = {
  push(delta: string): Promise<FilterStep>;
  /** Releases what is held; the filter can take the next text block afterwards. */
  end(): Promise<FilterStep>;
  findings(): GuardSummary;
};

export type FilterStep = { readonly emit: string; readonly blocked?: string };

export type GuardRequestInfo = { readonly systemPrompt?: string; readonly canary?: string };

export type GuardScope = { readonly model: string; readonly tenant: string; readonly format: ApiFormat };

export type GuardHooks = {
  /** undefined when no input scanner is enabled for this scope: the request goes through untouched. */
  input(scope: GuardScope, body: Record<string, unknown>): Promise<InputGuardResult> | undefined;
  /** undefined when no output scanner is enabled for this scope. */
  output(scope: GuardScope, restore: OutputTextFilter | undefined, request?: GuardRequestInfo): OutputTextFilter | undefined;
};

export const noGuards: GuardHooks = {
  input: () => undefined,
  output: (_scope, restore) => restore,
};
