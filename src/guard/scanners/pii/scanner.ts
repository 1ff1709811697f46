/** @module The `pii` scanner: typed findings and a redacted text with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { checkDeadline, deadlineAt, defineScanner, deadlineFor, type Scanner, type ScannerDefinition } from '../../types.js';
import { createPiiSpanDetector } from './detect.js';
import { PII_TYPES, type PiiType } from './entity.js';
import { redactNumbered } from '../../text/placeholders.js';

/** Types reported when the config names none: the free-text extras (DATE_TIME, AGE, ...) are too noisy to redact by default. */
export const DEFAULT_PII_TYPES: readonly PiiType[] = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'US_SSN', 'URL', 'US_DRIVER_LICENSE', 'PERSON', 'ADDRESS'];

const optionsSchema = z
  .object({
    types: z.array(z.enum(PII_TYPES)).min(1).optional(),
    /** The gateway keeps one pseudonymiser per request and restores values in the answer (see pseudonymise.ts). */
    pseudonymise: z.boolean().default(false),
  })
  .strict();

/** Finding type per span kind (the PII_TYPES index). */
const FINDING_TYPES: readonly string[] = PII_TYPES.map((t) => `pii.${t.toLowerCase()}`);

export type PiiOptions = { readonly types: ReadonlySet<PiiType>; readonly pseudonymise: boolean };

export type PiiScanner = Scanner & { readonly options: PiiOptions };

function parseOptions(raw: unknown): PiiOptions {
  const o = optionsSchema.parse(raw ?? {});
  return { types: new Set(o.types ?? DEFAULT_PII_TYPES), pseudonymise: o.pseudonymise };
}

function create(options: PiiOptions): PiiScanner {
  const detector = createPiiSpanDetector();
  return {
    id: 'pii',
    stages: ['input', 'output'],
    mode: 'cpu',
    options,
    scan(input, ctx) {
      // `finally`: a scan stopped at its deadline also lets go of the span arrays a large text needed.
      try {
        const spans = detector.detect(input.text, options.types, ctx);
        const n = spans.count;
        if (n === 0) return Promise.resolve({ verdict: 'pass', score: 0, findings: [] });
        const dl = deadlineFor(ctx, input.text.length);
        // A loop, not Math.max(...spread): a 4 MiB text can hold more entities than the call stack takes arguments.
        const findings: Finding[] = new Array<Finding>(n);
        let score = 0;
        let check = 0;
        for (let i = 0; i < n; i++) {
          // 300k findings (4 MiB of addresses) take tens of milliseconds to allocate.
          if (i >= check) check = deadlineAt(dl, i);
          const s = spans.score[i] as number;
          findings[i] = { type: FINDING_TYPES[spans.kind[i] as number] as string, score: s, start: spans.start[i] as number, end: spans.end[i] as number };
          if (s > score) score = s;
        }
        checkDeadline(dl);
        const text = redactNumbered(input.text, spans, PII_TYPES, dl);
        return Promise.resolve({ verdict: 'redact', score, findings, text });
      } finally {
        detector.done();
      }
    },
  };
}

export const piiScanner: ScannerDefinition<PiiOptions> = defineScanner({ id: 'pii', stages: ['input', 'output'], parseOptions, create });
