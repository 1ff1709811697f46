/** @module The `injection` scanner: prompt injection and jailbreaks on every message the model reads. */
import { lazy } from '../../text/lazy.js';
import { defineScanner, type ScanResult, type TextOrigin } from '../../types.js';
import { createInjectionScorer, type InjectionResult } from './scorer.js';

export type InjectionOptions = {
  /** Score at or above which the verdict is `block`; 0.5 is the cross-validated threshold. */
  readonly blockAt: number;
};

export function parseInjectionOptions(raw: unknown): InjectionOptions {
  if (raw === undefined || raw === null) return { blockAt: 0.5 };
  if (typeof raw !== 'object') throw new Error('injection options must be an object');
  const v = (raw as Record<string, unknown>)['blockAt'];
  if (v === undefined) return { blockAt: 0.5 };
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new Error('injection.blockAt must be a number in (0, 1]');
  return { blockAt: v };
}

// Decoding the committed weights costs about a millisecond; done on first use, shared by the pure function.
const defaultScorer = lazy(() => createInjectionScorer());

/** Pure scoring with the committed model: score in [0, 1] (0.5 = threshold) and findings. */
export function scoreInjection(text: string, origin: TextOrigin = 'user'): InjectionResult {
  return defaultScorer().score(text, origin);
}

export const injectionScanner = defineScanner<InjectionOptions>({
  id: 'injection',
  stages: ['input'],
  parseOptions: parseInjectionOptions,
  create: (options) => {
    const scorer = createInjectionScorer();
    return {
      id: 'injection',
      stages: ['input'],
      scan: (input, ctx): Promise<ScanResult> => {
        const r = scorer.score(input.text, input.origin, ctx);
        return Promise.resolve({ verdict: r.score >= options.blockAt ? 'block' : 'pass', score: r.score, findings: r.findings });
      },
    };
  },
});
