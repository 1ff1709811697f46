/** @module The `secrets` scanner: API keys, passwords and private keys as findings, redacted with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { defineScanner, type Scanner, type ScannerDefinition } from '../../types.js';
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

/** Same placeholder scheme as the pii scanner ([API_KEY_1]); kept local because scanners import no sibling scanner. */
function redact(text: string, entities: readonly SecretEntity[]): string {
  const seen = new Map<string, string>();
  const counts = new Map<string, number>();
  let out = '';
  let last = 0;
  for (const e of entities) {
    const value = text.slice(e.start, e.end);
    const key = `${e.type}\u0000${value}`;
    let ph = seen.get(key);
    if (ph === undefined) {
      const n = (counts.get(e.type) ?? 0) + 1;
      counts.set(e.type, n);
      ph = `[${e.type}_${n}]`;
      seen.set(key, ph);
    }
    out += text.slice(last, e.start) + ph;
    last = e.end;
  }
  return out + text.slice(last);
}

function create(options: SecretsOptions): SecretsScanner {
  return {
    id: 'secrets',
    stages: ['input', 'output'],
    mode: 'cpu',
    options,
    scan(input) {
      const found = detectSecrets(input.text);
      const entities = found.length === 0 || options.types.size === SECRET_TYPES.length ? found : found.filter((e) => options.types.has(e.type));
      if (entities.length === 0) return Promise.resolve({ verdict: 'pass', score: 0, findings: [] });
      // A loop, not Math.max(...spread): a 4 MiB text can hold more secrets than the call stack takes arguments.
      const findings: Finding[] = new Array<Finding>(entities.length);
      let score = 0;
      for (let i = 0; i < entities.length; i++) {
        const e = entities[i] as SecretEntity;
        findings[i] = { type: FINDING_TYPE[e.type], score: e.score, start: e.start, end: e.end };
        if (e.score > score) score = e.score;
      }
      return Promise.resolve({ verdict: 'redact', score, findings, text: redact(input.text, entities) });
    },
  };
}

export const secretsScanner: ScannerDefinition<SecretsOptions> = defineScanner({ id: 'secrets', stages: ['input', 'output'], parseOptions, create });
