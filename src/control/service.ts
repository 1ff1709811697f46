/** @module The control plane: every admin change is written durably, then propagated, and its confirmation reported. */
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import type { ApiKeyRecord, Restriction, RestrictionScope } from '../core/types.js';
import type { Store } from '../store/types.js';
import { createKey, publicKey, type CreateKeyInput } from './keys.js';
import type { PolicyChange } from './policy-change.js';

/** What a change reports once propagated: which nodes confirmed the new version, which did not, how long it took. */
export type Propagation = {
  readonly version: number;
  readonly confirmed: readonly string[];
  readonly missing: readonly string[];
  readonly elapsedMs: number;
};

/**
 * Waits until every live node applied `version` or the timeout passed. `change` is what turned version - 1 into
 * `version`, when known: nodes that hold version - 1 apply it without reloading the state. Embedded single-process:
 * resolves at once.
 */
export type Propagator = (version: number, timeoutMs: number, change?: PolicyChange) => Promise<Propagation>;

export type RestrictInput = {
  readonly model: string;
  readonly reason: string;
  readonly scope?: RestrictionScope;
  readonly fallback?: string | undefined;
  readonly expiresAt?: number | undefined;
  readonly incident?: string | undefined;
  readonly terminateInFlight?: boolean;
};

/** Hook for the audit log: control-plane changes must be durable in it before the admin call returns. */
export type ControlAudit = (event: { type: string; actor: string; at: number; version: number; detail: Record<string, unknown> }) => Promise<void>;

export type ControlDeps = {
  readonly store: Store;
  readonly propagate: Propagator;
  readonly now: () => number;
  /** The configured model ids; undefined where they are not known (the CLI acting on a data directory). */
  readonly knownModels: () => ReadonlySet<string> | undefined;
  readonly audit?: ControlAudit;
  readonly defaultTimeoutMs?: number;
};

const MODEL_GLOB = /^[A-Za-z0-9*][A-Za-z0-9._:/*-]{0,127}$/;
const SCOPE_ITEM = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export class ControlService {
  readonly #d: ControlDeps;
  constructor(deps: ControlDeps) {
    this.#d = deps;
  }

  async createKey(input: CreateKeyInput, actor: string) {
    const at = this.#d.now();
    const r = await createKey(this.#d.store, input, { actor, at }, this.#d.knownModels());
    const [, propagation] = await Promise.all([
      this.#d.audit?.({ type: 'key.create', actor, at, version: r.version, detail: { id: r.record.id, tenant: r.record.tenant, models: r.record.models, rpm: r.record.rpm } }),
      this.#d.propagate(r.version, this.#d.defaultTimeoutMs ?? 2_000),
    ]);
    return { ...publicKey(r.record), key: r.key, propagation };
  }

  async revokeKey(id: string, actor: string) {
    const at = this.#d.now();
    const r = await this.#d.store.revokeKey(id, { actor, at });
    if (!r) throw new GatewayError('GW_ADMIN_NOT_FOUND', `No active key with id '${id}'.`);
    const [, propagation] = await Promise.all([
      this.#d.audit?.({ type: 'key.revoke', actor, at, version: r.version, detail: { id, tenant: r.key.tenant } }),
      this.#d.propagate(r.version, this.#d.defaultTimeoutMs ?? 2_000, { op: 'revoke', keyId: id }),
    ]);
    return { ...publicKey(r.key), propagation };
  }

  async listKeys(): Promise<Omit<ApiKeyRecord, 'hash'>[]> {
    return (await this.#d.store.listKeys()).map(publicKey);
  }

  async restrict(input: RestrictInput, actor: string, timeoutMs?: number): Promise<Restriction & Propagation> {
    const at = this.#d.now();
    if (!MODEL_GLOB.test(input.model)) throw new GatewayError('GW_REQUEST_INVALID', 'model: give a model id or a glob such as "claude-3-*" or "*"');
    const reason = input.reason.trim();
    if (reason === '' || reason.length > 2000) throw new GatewayError('GW_REQUEST_INVALID', 'reason: required, at most 2000 characters');
    const scope = normaliseScope(input.scope ?? {});
    if (input.fallback !== undefined && this.#d.knownModels()?.has(input.fallback) === false) {
      throw new GatewayError('GW_REQUEST_INVALID', `fallback: unknown model "${input.fallback}"`);
    }
    if (input.expiresAt !== undefined && (!Number.isFinite(input.expiresAt) || input.expiresAt <= at)) {
      throw new GatewayError('GW_REQUEST_INVALID', 'until: must be a time in the future');
    }
    if (input.incident !== undefined && !SCOPE_ITEM.test(input.incident)) throw new GatewayError('GW_REQUEST_INVALID', 'incident: not a valid incident id');
    const r: Restriction = {
      id: `rst_${randomBytes(8).toString('hex')}`,
      model: input.model,
      scope,
      action: input.fallback === undefined ? { kind: 'deny' } : { kind: 'fallback', model: input.fallback },
      reason,
      incident: input.incident ?? null,
      createdBy: actor,
      createdAt: at,
      expiresAt: input.expiresAt ?? null,
      terminateInFlight: input.terminateInFlight ?? false,
      liftedAt: null,
      liftedBy: null,
      liftReason: null,
    };
    const { version } = await this.#d.store.createRestriction(r, { actor, at });
    // The change is durable in the store already; its audit record and its propagation go on together.
    const [, p] = await Promise.all([
      this.#d.audit?.({ type: 'restriction.create', actor, at, version, detail: { ...r } }),
      this.#d.propagate(version, timeoutMs ?? this.#d.defaultTimeoutMs ?? 2_000, { op: 'restrict', restriction: r }),
    ]);
    return { ...r, ...p };
  }

  async lift(id: string, reason: string, actor: string, timeoutMs?: number): Promise<Restriction & Propagation> {
    const at = this.#d.now();
    if (reason.trim() === '' || reason.length > 2000) throw new GatewayError('GW_REQUEST_INVALID', 'reason: required, at most 2000 characters');
    const r = await this.#d.store.liftRestriction(id, reason.trim(), { actor, at });
    if (!r) throw new GatewayError('GW_ADMIN_NOT_FOUND', `No active restriction with id '${id}'.`);
    const [, p] = await Promise.all([
      this.#d.audit?.({ type: 'restriction.lift', actor, at, version: r.version, detail: { id, model: r.restriction.model, reason } }),
      this.#d.propagate(r.version, timeoutMs ?? this.#d.defaultTimeoutMs ?? 2_000, { op: 'lift', id }),
    ]);
    return { ...r.restriction, ...p };
  }

  async listRestrictions(includeLifted = false): Promise<readonly Restriction[]> {
    return this.#d.store.listRestrictions({ includeLifted });
  }
}

function normaliseScope(s: RestrictionScope): RestrictionScope {
  const out: { regions?: string[]; tenants?: string[]; keys?: string[] } = {};
  for (const k of ['regions', 'tenants', 'keys'] as const) {
    const v = s[k];
    if (v === undefined || v.length === 0) continue;
    if (v.length > 1000 || v.some((x) => !SCOPE_ITEM.test(x))) throw new GatewayError('GW_REQUEST_INVALID', `scope.${k}: invalid entry`);
    out[k] = [...new Set(v)];
  }
  return out;
}
