/** @module `smuggling` scanner: invisible tag characters, zero-width and bidi tricks, variation-selector payloads, homoglyph words. */
import { z } from 'zod';
import { defineScanner, type Scanner } from '../../types.js';
import { buildConfusables } from './classify.js';
import { scanSmuggling, type SmugglingOptions } from './scan-smuggling.js';

export const smugglingOptionsSchema = z
  .object({
    homoglyphs: z.boolean().default(true),
    minPayload: z.number().int().min(1).max(64).default(3),
    maxFindings: z.number().int().min(1).max(10_000).default(256),
  })
  .strict();

/**
 * Finding types: `smuggling.tag` (detail: the hidden ASCII), `smuggling.variation_selector` (detail: decoded bytes),
 * `smuggling.zero_width`, `smuggling.bidi`, `smuggling.homoglyph`. Verdict `block` when a tag or selector run
 * decodes to a payload, else `redact` with those characters stripped and look-alike letters mapped to Latin.
 * Recommended policy: `smuggling: redact` plus `smuggling.tag: block`.
 */
export const smuggling = defineScanner<SmugglingOptions>({
  id: 'smuggling',
  stages: ['input', 'output'],
  parseOptions: (raw) => smugglingOptionsSchema.parse(raw ?? {}),
  create: (options): Scanner => {
    const confusables = buildConfusables();
    return {
      id: 'smuggling',
      stages: ['input', 'output'],
      mode: 'cpu',
      scan: async (input, ctx) => scanSmuggling(input.text, options, confusables, ctx),
    };
  },
});

export { scanSmuggling, type SmugglingOptions };
