/** @module The `secrets` scanner: API keys, passwords and private keys as findings, redacted with numbered placeholders. */
import { z } from 'zod';
import type { Finding } from '../../../core/finding.js';
import { checkDeadline, defineScanner, deadlineFor, type Scanner, type ScannerDefinition } from '../../types.js';
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

/** Above this many secrets, short stretches of text are copied into a code-unit buffer instead of sliced. */
const MANY = 256;
/** Stretches of text at least this long between two secrets are sliced even in the buffered builder. */
const LONG_STRETCH = 128;
const CHUNK = 8192;
const TYPE_INDEX: Readonly<Record<SecretType, number>> = { API_KEY: 0, PASSWORD: 1, PRIVATE_KEY: 2 };

/**
 * Same placeholder scheme as the pii scanner ([API_KEY_1], one number per distinct value); kept local because
 * scanners import no sibling scanner. No string per secret: values are told apart by a hash of their code units and
 * a comparison with the first occurrence, and with many secrets (4 MiB of `password: …` lines holds 90k) the output
 * is assembled in a code-unit buffer instead of one slice and two concatenations per secret.
 */
function redact(text: string, entities: readonly SecretEntity[]): string {
  const n = entities.length;
  let size = 16;
  while (size < n * 2) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  const placeholder = new Array<string>(n);
  const counts = [0, 0, 0];
  const buffered = n >= MANY;
  const buf = buffered ? new Uint16Array(CHUNK) : undefined;
  let k = 0;
  let out = '';
  const flush = (): void => {
    if (k === 0 || buf === undefined) return;
    out += String.fromCharCode.apply(null, buf.subarray(0, k) as unknown as number[]);
    k = 0;
  };
  const copy = (from: number, to: number): void => {
    if (buf === undefined || to - from >= LONG_STRETCH) {
      if (to > from) {
        flush();
        out += text.slice(from, to);
      }
      return;
    }
    for (let i = from; i < to; i++) {
      if (k === CHUNK) flush();
      buf[k++] = text.charCodeAt(i);
    }
  };
  let last = 0;
  for (let j = 0; j < n; j++) {
    const e = entities[j] as SecretEntity;
    const t = TYPE_INDEX[e.type];
    let h = Math.imul(0x811c9dc5 ^ t, 16777619);
    for (let i = e.start; i < e.end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    let slot = (h ^ (h >>> 15)) & mask;
    let ph: string | undefined;
    for (;;) {
      const at = slots[slot] as number;
      if (at === 0) break;
      const f = entities[at - 1] as SecretEntity;
      if (f.type === e.type && sameText(text, f.start, f.end, e.start, e.end)) {
        ph = placeholder[at - 1];
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (ph === undefined) {
      const c = (counts[t] as number) + 1;
      counts[t] = c;
      ph = `[${e.type}_${c}]`;
      slots[slot] = j + 1;
    }
    placeholder[j] = ph;
    copy(last, e.start);
    if (buf === undefined) out += ph;
    else {
      for (let i = 0; i < ph.length; i++) {
        if (k === CHUNK) flush();
        buf[k++] = ph.charCodeAt(i);
      }
    }
    last = e.end;
  }
  copy(last, text.length);
  flush();
  return out;
}

function sameText(text: string, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (let i = 0; i < ae - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
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
      const findings: Finding[] = new Array<Finding>(entities.length);
      let score = 0;
      for (let i = 0; i < entities.length; i++) {
        const e = entities[i] as SecretEntity;
        findings[i] = { type: FINDING_TYPE[e.type], score: e.score, start: e.start, end: e.end };
        if (e.score > score) score = e.score;
      }
      checkDeadline(deadlineFor(ctx, input.text.length));
      return Promise.resolve({ verdict: 'redact', score, findings, text: redact(input.text, entities) });
    },
  };
}

export const secretsScanner: ScannerDefinition<SecretsOptions> = defineScanner({ id: 'secrets', stages: ['input', 'output'], parseOptions, create });
