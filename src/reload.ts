/**
 * @module Configuration reload at run time. Guard policies (global, per model, per tenant) change in place, with no
 * request dropped; every other section that differs is named as needing a restart and is not applied.
 */
import type { Config } from './config/load-config.js';

export type ReloadReport = {
  readonly node: string;
  /** The config file that was read, or undefined when the configuration comes from flags and environment only. */
  readonly file: string | undefined;
  readonly guardsChanged: boolean;
  /** Sections that differ from the running configuration but only take effect at the next start. */
  readonly restartNeeded: readonly string[];
};

/** The guard policies of a configuration, as a string that compares by value. */
export function guardFingerprint(c: Config): string {
  return JSON.stringify({
    global: c.guards ?? null,
    models: c.models.filter((m) => m.guards !== undefined).map((m) => [m.id, m.guards]),
    tenants: c.tenants.filter((t) => t.guards !== undefined).map((t) => [t.id, t.guards]),
  });
}

/** Secrets compare by value here and nowhere leave this function. */
function restartSections(c: Config): Record<string, unknown> {
  return {
    server: [c.host, c.port, c.workers, c.bodyLimitBytes, c.region, c.nodeId ?? null],
    store: c.store.kind === 'sqlite' ? [c.store.kind, c.store.dataDir] : [c.store.kind, c.store.url.reveal(), c.store.redisUrl?.reveal() ?? null],
    bus: c.bus ? [c.bus.url.reveal(), c.bus.prefix] : null,
    providers: c.providers.map((p) => ({ ...p, apiKey: p.apiKey?.reveal() ?? null })),
    models: c.models.map(({ guards: _guards, ...rest }) => rest),
    tenants: c.tenants.map(({ guards: _guards, ...rest }) => rest),
    demo: c.demo,
  };
}

/** Sections that differ between the running and the newly read configuration, other than guard policies. */
export function restartNeeded(running: Config, next: Config): string[] {
  const a = restartSections(running);
  const b = restartSections(next);
  return Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
