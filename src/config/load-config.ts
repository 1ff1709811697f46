/** @module Reads and validates the configuration once: file (YAML, `${VAR}` from the environment), flags and environment. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import { configFileSchema, providerSchema, type ConfigFile, type ModelConfig, type ProviderConfig, type TenantConfig } from './schema.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: Secret; readonly redisUrl: Secret | undefined; readonly dataDir: string };

/** A cross-process bus: Redis pub/sub under a key prefix. Absent: in-process (one process) or IPC (embedded workers). */
export type BusConfig = { readonly kind: 'redis'; readonly url: Secret; readonly prefix: string };

export type ResolvedProvider = Omit<ProviderConfig, 'apiKey'> & { readonly apiKey: Secret | undefined };

export type Config = {
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  readonly bodyLimitBytes: number;
  readonly region: string;
  readonly dataDir: string;
  readonly configFile: string | undefined;
  readonly adminToken: Secret | undefined;
  readonly store: StoreConfig;
  readonly bus?: BusConfig | undefined;
  /** Stable id of this node (workers append -w<i>); unset: derived from host and port (cluster) or host (embedded). */
  readonly nodeId?: string | undefined;
  readonly providers: readonly ResolvedProvider[];
  readonly models: readonly ModelConfig[];
  readonly tenants: readonly TenantConfig[];
  readonly guards: ConfigFile['guards'];
  readonly demo: boolean;
  /** Human-readable notes for start-up (e.g. a `${VAR}` that was not set). Never contain secret values. */
  readonly warnings: readonly string[];
};

/** What the command line passed; anything unset falls back to the environment, then the file, then defaults. */
export type ConfigFlags = {
  config?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  data?: string | undefined;
  workers?: number | undefined;
  region?: string | undefined;
  store?: string | undefined;
  bus?: string | undefined;
  nodeId?: string | undefined;
};

export const DEFAULT_PORT = 8787;
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const BUS_PREFIX = /^[A-Za-z0-9._:-]{1,64}$/;
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): Config {
  const warnings: string[] = [];
  const configFile = flags.config ?? nonEmpty(env.WARDEN_CONFIG);
  const file = configFile === undefined ? configFileSchema.parse({}) : readConfigFile(resolve(configFile), env, warnings);

  const port = flags.port ?? intFromEnv(env, 'WARDEN_PORT') ?? file.server.port ?? DEFAULT_PORT;
  const dataDir = resolve(flags.data ?? nonEmpty(env.WARDEN_DATA) ?? '.warden');
  const storeUrl = flags.store ?? nonEmpty(env.WARDEN_STORE);
  const busUrl = flags.bus ?? nonEmpty(env.WARDEN_BUS);
  let store: StoreConfig = { kind: 'sqlite', dataDir };
  if (storeUrl?.startsWith('postgres')) {
    store = { kind: 'postgres', url: new Secret(storeUrl), redisUrl: busUrl === undefined ? undefined : new Secret(busUrl), dataDir };
  } else if (storeUrl !== undefined && storeUrl !== 'sqlite') {
    throw new GatewayError('GW_CONFIG_INVALID', `--store: expected "sqlite" or a postgres:// URL`);
  } else if (file.store?.kind === 'postgres') {
    store = { kind: 'postgres', url: new Secret(file.store.url), redisUrl: file.store.redisUrl === undefined ? undefined : new Secret(file.store.redisUrl), dataDir };
  }

  const busUrlResolved = busUrl ?? (file.store?.kind === 'postgres' ? file.store.redisUrl : undefined);
  let bus: BusConfig | undefined;
  if (busUrlResolved !== undefined) {
    if (!/^rediss?:\/\//.test(busUrlResolved)) throw new GatewayError('GW_CONFIG_INVALID', '--bus: expected a redis:// or rediss:// URL');
    const prefix = nonEmpty(env.WARDEN_BUS_PREFIX) ?? (file.store?.kind === 'postgres' ? file.store.busPrefix : undefined) ?? 'warden:';
    if (!BUS_PREFIX.test(prefix)) throw new GatewayError('GW_CONFIG_INVALID', 'WARDEN_BUS_PREFIX: 1-64 characters: letters, digits and . _ : -');
    bus = { kind: 'redis', url: new Secret(busUrlResolved), prefix };
  }
  const nodeId = flags.nodeId ?? nonEmpty(env.WARDEN_NODE_ID) ?? file.server.nodeId;
  if (nodeId !== undefined && !NODE_ID.test(nodeId)) throw new GatewayError('GW_CONFIG_INVALID', '--node-id: 1-64 characters: letters, digits and . _ : -');

  const providers: ResolvedProvider[] = file.providers.map((p) => ({ ...p, apiKey: p.apiKey ? new Secret(p.apiKey) : undefined }));
  // Without a config file, providers come from the usual environment variables.
  if (configFile === undefined) {
    const openai = nonEmpty(env.OPENAI_API_KEY);
    const anthropic = nonEmpty(env.ANTHROPIC_API_KEY);
    if (openai) providers.push({ ...providerSchema.parse({ id: 'openai', type: 'openai' }), apiKey: new Secret(openai) });
    if (anthropic) providers.push({ ...providerSchema.parse({ id: 'anthropic', type: 'anthropic' }), apiKey: new Secret(anthropic) });
  }
  checkReferences(file, providers, configFile ?? '(defaults)');

  const adminToken = nonEmpty(env.WARDEN_ADMIN_TOKEN);
  return deepFreeze({
    host: flags.host ?? nonEmpty(env.WARDEN_HOST) ?? file.server.host ?? '127.0.0.1',
    port,
    workers: flags.workers ?? intFromEnv(env, 'WARDEN_WORKERS') ?? file.server.workers ?? Math.max(1, cpus().length),
    bodyLimitBytes: file.server.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    region: flags.region ?? nonEmpty(env.WARDEN_REGION) ?? file.server.region ?? 'default',
    dataDir,
    configFile: configFile === undefined ? undefined : resolve(configFile),
    adminToken: adminToken === undefined ? undefined : new Secret(adminToken),
    store,
    bus,
    nodeId,
    providers,
    models: file.models,
    tenants: file.tenants,
    guards: file.guards,
    demo: file.demo,
    warnings,
  });
}

function readConfigFile(path: string, env: NodeJS.ProcessEnv, warnings: string[]): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new GatewayError('GW_CONFIG_INVALID', `${path}: cannot read the config file (${code})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new GatewayError('GW_CONFIG_INVALID', `${path}${where}: not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : ''}`);
  }
  const substituted = substituteEnv(raw ?? {}, env, [], warnings);
  const parsed = configFileSchema.safeParse(substituted);
  if (!parsed.success) throw new GatewayError('GW_CONFIG_INVALID', formatIssues(path, parsed.error.issues));
  return parsed.data;
}

/** Replaces `${VAR}` in string values only (never in keys), so an environment value cannot change the file's structure. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[], warnings: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        warnings.push(`${formatPath(path)}: environment variable ${name} is not set; using an empty value`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], warnings));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, [...path, k], warnings);
    return out;
  }
  return value;
}

function checkReferences(file: ConfigFile, providers: readonly ResolvedProvider[], source: string): void {
  const providerIds = new Set<string>();
  providers.forEach((p, i) => {
    if (providerIds.has(p.id)) throw new GatewayError('GW_CONFIG_INVALID', `${source}: providers.${i}.id: duplicate provider id "${p.id}"`);
    providerIds.add(p.id);
  });
  const modelIds = new Set<string>(['demo-echo']);
  file.models.forEach((m, i) => {
    if (modelIds.has(m.id)) throw new GatewayError('GW_CONFIG_INVALID', `${source}: models.${i}.id: duplicate model id "${m.id}"`);
    modelIds.add(m.id);
    if (!providerIds.has(m.provider)) {
      throw new GatewayError('GW_CONFIG_INVALID', `${source}: models.${i}.provider: unknown provider "${m.provider}" (known: ${[...providerIds].join(', ') || 'none'})`);
    }
  });
  file.models.forEach((m, i) => {
    if (m.fallback !== undefined && !modelIds.has(m.fallback)) {
      throw new GatewayError('GW_CONFIG_INVALID', `${source}: models.${i}.fallback: unknown model "${m.fallback}"`);
    }
  });
}

function formatIssues(path: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 10).map((i) => `  ${formatPath(i.path)}: ${i.message}`);
  return `${path}: invalid configuration\n${lines.join('\n')}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = nonEmpty(env[name]);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new GatewayError('GW_CONFIG_INVALID', `${name}: expected a whole number, got "${v}"`);
  return n;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !(o instanceof Secret) && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
