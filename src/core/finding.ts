/** @module What a guardrail scanner reports: typed findings with positions, never with the matched text in logs. */

export type Stage = 'input' | 'output';

/** Where in the conversation a scanned text came from; tool results and documents are where indirect injection arrives. */
export type TextOrigin = 'system' | 'user' | 'assistant' | 'tool' | 'document' | 'completion';

export type Finding = {
  /** Stable dotted id of what was found, e.g. `pii.email`, `injection.rule.ignore_previous`, `harmful.weapons`. */
  readonly type: string;
  /** Confidence in [0, 1]. */
  readonly score: number;
  /** Code-unit offsets into the scanned text, end exclusive, when the finding has a place. */
  readonly start?: number;
  readonly end?: number;
  /**
   * Short evidence for the audit record, bounded by the scanner (e.g. the ASCII decoded from invisible tag
   * characters, or a link's host). Never sent to the caller; never the full matched secret or PII value.
   */
  readonly detail?: string;
};

/** What the policy does with a finding type. */
export type GuardAction = 'block' | 'redact' | 'flag' | 'allow';
