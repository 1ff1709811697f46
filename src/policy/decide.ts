/** @module decide(snapshot, ctx): may this key use this model here and now? Pure; the hot path of every request. */
import type { ErrorCode } from '../core/errors.js';
import type { ApiKeyRecord } from '../core/types.js';
import type { CompiledRestriction, ModelEntry, Snapshot } from './snapshot.js';

export type RequestContext = {
  readonly key: ApiKeyRecord;
  readonly model: string;
  readonly region: string;
  readonly now: number;
  /** True when this node could not confirm the current policy within its staleness bound. */
  readonly stale: boolean;
};

export type Decision =
  | { readonly kind: 'allow'; readonly model: ModelEntry; readonly fallbackFrom?: { readonly model: string; readonly restrictionId: string } }
  | { readonly kind: 'deny'; readonly code: ErrorCode; readonly message: string; readonly restrictionId?: string };

export function keyMayUse(key: ApiKeyRecord, model: string): boolean {
  return key.models === null || key.models.includes(model);
}

/** The active restriction that applies to this request, deny before fallback, or undefined. */
export function findRestriction(snapshot: Snapshot, ctx: Pick<RequestContext, 'key' | 'region' | 'now'>, model: string): CompiledRestriction | undefined {
  let fallback: CompiledRestriction | undefined;
  for (const r of snapshot.restrictions) {
    if (r.expiresAt !== null && r.expiresAt <= ctx.now) continue;
    if (!r.matches(model)) continue;
    const s = r.scope;
    if (s.regions && s.regions.length > 0 && !s.regions.includes(ctx.region)) continue;
    if (s.tenants && s.tenants.length > 0 && !s.tenants.includes(ctx.key.tenant)) continue;
    if (s.keys && s.keys.length > 0 && !s.keys.includes(ctx.key.id)) continue;
    if (r.action.kind === 'deny') return r;
    fallback ??= r;
  }
  return fallback;
}

export function decide(snapshot: Snapshot, ctx: RequestContext): Decision {
  const model = snapshot.models.get(ctx.model);
  if (!model || !keyMayUse(ctx.key, ctx.model)) {
    return { kind: 'deny', code: 'GW_POLICY_MODEL_NOT_ALLOWED', message: `The model '${ctx.model}' does not exist or this key may not use it.` };
  }
  if (ctx.stale && model.failClosed) {
    return { kind: 'deny', code: 'GW_POLICY_STALE', message: `This node could not confirm the current policy for '${ctx.model}'; refusing until it can.` };
  }
  const r = findRestriction(snapshot, ctx, ctx.model);
  if (!r) return { kind: 'allow', model };
  if (r.action.kind === 'fallback') {
    const target = snapshot.models.get(r.action.model);
    // A fallback is taken only when it is itself usable: known, allowed for this key, and not restricted.
    if (target && keyMayUse(ctx.key, target.id) && !(ctx.stale && target.failClosed) && !findRestriction(snapshot, ctx, target.id)) {
      return { kind: 'allow', model: target, fallbackFrom: { model: ctx.model, restrictionId: r.id } };
    }
  }
  return {
    kind: 'deny',
    code: 'GW_POLICY_MODEL_RESTRICTED',
    message: `The model '${ctx.model}' is restricted: ${r.reason} (restriction ${r.id}).`,
    restrictionId: r.id,
  };
}
