/** @module The `pii` scanner: typed findings and a redacted text with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { defineScanner, type Scanner, type ScannerDefinition } from '../../types.js';
import { detectEntities } from './detect.js';
import { PII_TYPES, type PiiType } from './entity.js';
import { numberPerText, replaceSpans } from './placeholders.js';

/** Types reported when the config names none: the free-text extras (DATE_TIME, AGE, ...) are too noisy to redact by default. */
export const DEFAULT_PII_TYPES: readonly PiiType[] = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'US_SSN', 'URL', 'US_DRIVER_LICENSE', 'PERSON', 'ADDRESS'];

const optionsSchema = z
  .object({
    types: z.array(z.enum(PII_TYPES)).min(1).optional(),
    /** The gateway keeps one pseudonymiser per request and restores values in the answer (see pseudonymise.ts). */
    pseudonymise: z.boolean().default(false),
  })
  .strict();

export type PiiOptions = { readonly types: ReadonlySet<PiiType>; readonly pseudonymise: boolean };

export type PiiScanner = Scanner & { readonly options: PiiOptions };

function parseOptions(raw: unknown): PiiOptions {
  const o = optionsSchema.parse(raw ?? {});
  return { types: new Set(o.types ?? DEFAULT_PII_TYPES), pseudonymise: o.pseudonymise };
}

function create(options: PiiOptions): PiiScanner {
  return {
    id: 'pii',
    stages: ['input', 'output'],
    mode: 'cpu',
    options,
    scan(input) {
      const entities = detectEntities(input.text, options.types);
      if (entities.length === 0) return Promise.resolve({ verdict: 'pass', score: 0, findings: [] });
      const findings: Finding[] = entities.map((e) => ({ type: `pii.${e.type.toLowerCase()}`, score: e.score, start: e.start, end: e.end }));
      const text = replaceSpans(input.text, entities, numberPerText());
      const score = Math.max(...entities.map((e) => e.score));
      return Promise.resolve({ verdict: 'redact', score, findings, text });
    },
  };
}

export const piiScanner: ScannerDefinition<PiiOptions> = defineScanner({ id: 'pii', stages: ['input', 'output'], parseOptions, create });
