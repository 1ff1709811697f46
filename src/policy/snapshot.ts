/** @module The immutable policy snapshot a node serves from; built once per policy version, swapped atomically. */
import type { ApiKeyRecord, Restriction } from '../core/types.js';
import { compileGlob, type GlobMatcher } from './glob.js';

export type ModelEntry = {
  readonly id: string;
  /** `demo` models are served in-process (demo-echo). */
  readonly providerId: string;
  readonly upstreamModel: string;
  readonly fallback: string | undefined;
  readonly failClosed: boolean;
  readonly demo: boolean;
  readonly description: string | undefined;
};

export type CompiledRestriction = Restriction & { readonly matches: GlobMatcher };

export type Snapshot = {
  readonly version: number;
  readonly keysByHash: ReadonlyMap<string, ApiKeyRecord>;
  readonly keysById: ReadonlyMap<string, ApiKeyRecord>;
  readonly models: ReadonlyMap<string, ModelEntry>;
  readonly restrictions: readonly CompiledRestriction[];
};

export function buildSnapshot(input: {
  version: number;
  keys: readonly ApiKeyRecord[];
  models: readonly ModelEntry[];
  restrictions: readonly Restriction[];
}): Snapshot {
  const live = input.keys.filter((k) => k.revokedAt === null);
  return Object.freeze({
    version: input.version,
    keysByHash: new Map(live.map((k) => [k.hash, k])),
    keysById: new Map(live.map((k) => [k.id, k])),
    models: new Map(input.models.map((m) => [m.id, m])),
    restrictions: Object.freeze(
      input.restrictions.filter((r) => r.liftedAt === null).map((r) => Object.freeze({ ...r, matches: compileGlob(r.model) })),
    ),
  });
}
