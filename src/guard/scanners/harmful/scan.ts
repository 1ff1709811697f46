/** @module The `harmful` scanner: requests for violence, weapons, cybercrime, abuse and the other categories of the data. */
import { lazy } from '../../text/lazy.js';
import { defineScanner, type ScanResult } from '../../types.js';
import { createHarmfulScorer, type HarmfulResult } from './scorer.js';

export type HarmfulOptions = { readonly blockAt: number };

export function parseHarmfulOptions(raw: unknown): HarmfulOptions {
  if (raw === undefined || raw === null) return { blockAt: 0.5 };
  if (typeof raw !== 'object') throw new Error('harmful options must be an object');
  const v = (raw as Record<string, unknown>)['blockAt'];
  if (v === undefined) return { blockAt: 0.5 };
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new Error('harmful.blockAt must be a number in (0, 1]');
  return { blockAt: v };
}

// Weights are decoded on first use, not on import.
const defaultScorer = lazy(() => createHarmfulScorer());

/** Pure scoring with the committed model. */
export function scoreHarmful(text: string): HarmfulResult {
  return defaultScorer().score(text);
}

export const harmfulScanner = defineScanner<HarmfulOptions>({
  id: 'harmful',
  stages: ['input', 'output'],
  parseOptions: parseHarmfulOptions,
  create: (options) => {
    const scorer = createHarmfulScorer();
    return {
      id: 'harmful',
      stages: ['input', 'output'],
      scan: (input): Promise<ScanResult> => {
        const r = scorer.score(input.text);
        return Promise.resolve({ verdict: r.score >= options.blockAt ? 'block' : 'pass', score: r.score, findings: r.findings });
      },
    };
  },
});
