/** @module `canary` scanner (output): Warden's canary token or verbatim system-prompt chunks in an answer. */
import { z } from 'zod';
import { defineScanner, type Finding, type ScanResult, type Scanner } from '../../types.js';
import { findCanary } from './canary-token.js';
import { findEchoes, indexPrompt, type PromptIndex } from './prompt-echo.js';

export { makeCanary, insertCanary, findCanary } from './canary-token.js';

export const canaryOptionsSchema = z
  .object({
    /** Fixed canary/system prompt (tests, single-purpose deployments); per-request values in ScanContext.request win. */
    canary: z.string().min(8).max(256).optional(),
    systemPrompt: z.string().max(200_000).optional(),
    /** Consecutive system-prompt words an answer must repeat to count as a leak. */
    minWords: z.number().int().min(4).max(64).default(8),
    maxWords: z.number().int().min(16).max(1_000_000).default(200_000),
    maxFindings: z.number().int().min(1).max(1000).default(32),
  })
  .strict();

export type CanaryOptions = z.infer<typeof canaryOptionsSchema>;

/**
 * Finding types: `canary.token` (score 1) and `canary.system_prompt` (span of the repeated run). Verdict `block`;
 * a policy of `redact` makes the runner replace the spans. Passes at once when there is neither canary nor prompt.
 */
export const canary = defineScanner<CanaryOptions>({
  id: 'canary',
  stages: ['output'],
  parseOptions: (raw) => canaryOptionsSchema.parse(raw ?? {}),
  create: (options): Scanner => {
    // One-entry cache: the stream guard re-scans per chunk with the same system prompt; index it once per request.
    const cache: { prompt: string | undefined; index: PromptIndex | undefined } = { prompt: undefined, index: undefined };
    const indexFor = (prompt: string): PromptIndex => {
      if (cache.prompt !== prompt || cache.index === undefined) {
        cache.index = indexPrompt(prompt, options.minWords, options.maxWords);
        cache.prompt = prompt;
      }
      return cache.index;
    };
    return {
      id: 'canary',
      stages: ['output'],
      mode: 'cpu',
      scan: async (input, ctx): Promise<ScanResult> => {
        const token = ctx.request?.canary ?? options.canary;
        const prompt = ctx.request?.systemPrompt ?? options.systemPrompt;
        const findings: Finding[] = [];
        let score = 0;
        if (token !== undefined && token.length >= 8) {
          const at = findCanary(input.text, token);
          if (at !== undefined) {
            findings.push({ type: 'canary.token', score: 1, start: at.start, end: at.end });
            score = 1;
          }
        }
        if (prompt !== undefined && prompt.length > 0) {
          for (const e of findEchoes(input.text, indexFor(prompt), options.maxWords, options.maxFindings)) {
            const s = Math.min(1, 0.6 + e.words / (10 * options.minWords));
            findings.push({ type: 'canary.system_prompt', score: s, start: e.start, end: e.end });
            score = Math.max(score, s);
          }
        }
        return findings.length === 0 ? { verdict: 'pass', score: 0, findings } : { verdict: 'block', score, findings };
      },
    };
  },
});
