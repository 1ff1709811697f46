/** @module The `pii` scanner: typed findings and a redacted text with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { defineScanner, type Scanner, type ScannerDefinition } from '../../types.js';
import { createPiiDetector } from './detect.js';
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

const FINDING_TYPE = Object.fromEntries(PII_TYPES.map((t) => [t, `pii.${t.toLowerCase()}`])) as Readonly<Record<PiiType, string>>;

export type PiiOptions = { readonly types: ReadonlySet<PiiType>; readonly pseudonymise: boolean };

export type PiiScanner = Scanner & { readonly options: PiiOptions };

function parseOptions(raw: unknown): PiiOptions {
  const o = optionsSchema.parse(raw ?? {});
  return { types: new Set(o.types ?? DEFAULT_PII_TYPES), pseudonymise: o.pseudonymise };
}

function create(options: PiiOptions): PiiScanner {
  const detect = createPiiDetector();
  return {
    id: 'pii',
    stages: ['input', 'output'],
    mode: 'cpu',
    options,
    scan(input) {
      const entities = detect(input.text, options.types);
      if (entities.length === 0) return Promise.resolve({ verdict: 'pass', score: 0, findings: [] });
      // A loop, not Math.max(...spread): a 4 MiB text can hold more entities than the call stack takes arguments.
      const findings: Finding[] = new Array<Finding>(entities.length);
      let score = 0;
      for (let i = 0; i < entities.length; i++) {
        const e = entities[i] as (typeof entities)[number];
        findings[i] = { type: FINDING_TYPE[e.type], score: e.score, start: e.start, end: e.end };
        if (e.score > score) score = e.score;
      }
      const text = replaceSpans(input.text, entities, numberPerText());
      return Promise.resolve({ verdict: 'redact', score, findings, text });
    },
  };
}

export const piiScanner: ScannerDefinition<PiiOptions> = defineScanner({ id: 'pii', stages: ['input', 'output'], parseOptions, create });
