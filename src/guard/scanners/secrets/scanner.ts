/** @module The `secrets` scanner: API keys, passwords and private keys as findings, redacted with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { checkDeadline, deadlineAt, type DeadlineClock, defineScanner, deadlineFor, type Scanner, type ScannerDefinition } from '../../types.js';
import { redactNumbered } from '../../text/placeholders.js';
import { detectSecrets } from './detect.js';
import type { SecretEntity, SecretType } from './filters.js';

export const SECRET_TYPES = ['API_KEY', 'PASSWORD', 'PRIVATE_KEY'] as const satisfies readonly SecretType[];

const FINDING_TYPE: Readonly<Record<SecretType, string>> = { API_KEY: 'secrets.api_key', PASSWORD: 'secrets.password', PRIVATE_KEY: 'secrets.private_key' };

const optionsSchema = z
  .object({
    types: z.array(z.enum(SECRET_TYPES)).min(1).optional(),
    pseudonymise: z.boolean().default(false),
  })
  .strict();

export type SecretsOptions = { readonly types: ReadonlySet<SecretType>; readonly pseudonymise: boolean };
export type SecretsScanner = Scanner & { readonly options: SecretsOptions };

function parseOptions(raw: unknown): SecretsOptions {
  const o = optionsSchema.parse(raw ?? {});
  return { types: new Set(o.types ?? SECRET_TYPES), pseudonymise: o.pseudonymise };
}

const TYPE_INDEX = Object.fromEntries(SECRET_TYPES.map((t, i) => [t, i])) as Readonly<Record<SecretType, number>>;

/** The pii scanner's placeholder scheme ([API_KEY_1], one number per distinct value), over the secrets' spans. */
function redact(text: string, entities: readonly SecretEntity[], dl: DeadlineClock | undefined): string {
  const n = entities.length;
  const spans = { count: n, start: new Int32Array(n), end: new Int32Array(n), kind: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const e = entities[i] as SecretEntity;
    spans.start[i] = e.start;
    spans.end[i] = e.end;
    spans.kind[i] = TYPE_INDEX[e.type];
  }
  return redactNumbered(text, spans, SECRET_TYPES, dl);
}

function create(options: SecretsOptions): SecretsScanner {
  return {
    id: 'secrets',
    stages: ['input', 'output'],
    mode: 'cpu',
    options,
    scan(input, ctx) {
      const found = detectSecrets(input.text, ctx);
      const entities = found.length === 0 || options.types.size === SECRET_TYPES.length ? found : found.filter((e) => options.types.has(e.type));
      if (entities.length === 0) return Promise.resolve({ verdict: 'pass', score: 0, findings: [] });
      // A loop, not Math.max(...spread): a 4 MiB text can hold more secrets than the call stack takes arguments.
      const dl = deadlineFor(ctx, input.text.length);
      const findings: Finding[] = new Array<Finding>(entities.length);
      let score = 0;
      let check = 0;
      for (let i = 0; i < entities.length; i++) {
        if (i >= check) check = deadlineAt(dl, i);
        const e = entities[i] as SecretEntity;
        findings[i] = { type: FINDING_TYPE[e.type], score: e.score, start: e.start, end: e.end };
        if (e.score > score) score = e.score;
      }
      checkDeadline(dl);
      return Promise.resolve({ verdict: 'redact', score, findings, text: redact(input.text, entities, dl) });
    },
  };
}

export const secretsScanner: ScannerDefinition<SecretsOptions> = defineScanner({ id: 'secrets', stages: ['input', 'output'], parseOptions, create });
