/** @module Creating and revoking API keys: the key is shown once, only its SHA-256 is stored. */
import { createHash, randomBytes } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import type { ApiKeyRecord } from '../core/types.js';
import type { Store } from '../store/types.js';

export const API_KEY_PREFIX = 'wdn_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type CreateKeyInput = {
  readonly tenant: string;
  readonly name?: string | undefined;
  readonly models?: readonly string[] | undefined;
  readonly rpm?: number | undefined;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** 32 base62 characters: about 190 bits from the CSPRNG. */
/** How a key is stored and looked up: hex SHA-256 of the whole key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newSecret(): string {
  const bytes = randomBytes(32);
  let s = '';
  for (const b of bytes) s += BASE62[b % 62];
  return API_KEY_PREFIX + s;
}

export function validateKeyInput(input: CreateKeyInput, knownModels: ReadonlySet<string> | undefined): void {
  if (!NAME.test(input.tenant)) throw new GatewayError('GW_REQUEST_INVALID', 'tenant: must be 1-128 characters of letters, digits and . _ : / -');
  if (input.name !== undefined && input.name.length > 200) throw new GatewayError('GW_REQUEST_INVALID', 'name: at most 200 characters');
  if (input.rpm !== undefined && (!Number.isInteger(input.rpm) || input.rpm < 1 || input.rpm > 10_000_000)) {
    throw new GatewayError('GW_REQUEST_INVALID', 'rpm: must be a whole number from 1 to 10000000');
  }
  if (input.models !== undefined) {
    if (input.models.length === 0 || input.models.length > 1000) throw new GatewayError('GW_REQUEST_INVALID', 'models: give 1 to 1000 model ids');
    for (const m of input.models) {
      if (!NAME.test(m)) throw new GatewayError('GW_REQUEST_INVALID', `models: "${m.slice(0, 64)}" is not a valid model id`);
      if (knownModels && !knownModels.has(m)) throw new GatewayError('GW_REQUEST_INVALID', `models: unknown model "${m}" (known: ${[...knownModels].join(', ')})`);
    }
  }
}

export async function createKey(
  store: Store, input: CreateKeyInput, meta: { actor: string; at: number }, knownModels?: ReadonlySet<string>,
): Promise<{ record: ApiKeyRecord; key: string; version: number }> {
  validateKeyInput(input, knownModels);
  const key = newSecret();
  const record: ApiKeyRecord = {
    id: `key_${randomBytes(8).toString('hex')}`,
    tenant: input.tenant,
    name: input.name ?? null,
    hash: hashApiKey(key),
    prefix: key.slice(0, API_KEY_PREFIX.length + 4),
    models: input.models ? [...input.models] : null,
    rpm: input.rpm ?? null,
    createdAt: meta.at,
    revokedAt: null,
  };
  const { version } = await store.createKey(record, meta);
  return { record, key, version };
}

/** A key as listings show it: never the hash. */
export function publicKey(k: ApiKeyRecord): Omit<ApiKeyRecord, 'hash'> {
  const { hash: _hash, ...rest } = k;
  return rest;
}
