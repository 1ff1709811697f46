/** @module What one data-plane request has gathered so far; turned into its RequestRecord when it ends. */
import type { ApiKeyRecord } from '../../core/types.js';
import type { ApiFormat } from '../error-body.js';
import type { GuardSummary } from '../guard-hooks.js';
import type { RequestRecord, Usage } from '../runtime.js';

/** Mutable facts gathered while one request runs, turned into its RequestRecord at the end. */
export type RequestState = {
  readonly requestId: string;
  readonly route: RequestRecord['route'];
  readonly format: ApiFormat;
  readonly startedAt: number;
  readonly t0: number;
  key: ApiKeyRecord | undefined;
  requestedModel: string | undefined;
  servedModel: string | undefined;
  provider: string | undefined;
  stream: boolean;
  restrictionId: string | undefined;
  fallbackFrom: string | undefined;
  usage: Usage | undefined;
  guard: GuardSummary;
  promptChars: number;
  prompt: string | undefined;
  completionChars: number;
};
