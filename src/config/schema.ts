/** @module The configuration file's schema: validated once at start-up, then passed down frozen. */
import { z } from 'zod';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1-128 characters: letters, digits and . _ : / -');

/** Time limits of one upstream call, in milliseconds. */
export const timeoutsSchema = z.strictObject({
  connectMs: z.number().int().positive().max(60_000).default(5_000),
  firstByteMs: z.number().int().positive().max(600_000).default(60_000),
  totalMs: z.number().int().positive().max(3_600_000).default(600_000),
});

export const providerSchema = z.strictObject({
  id,
  type: z.enum(['openai', 'anthropic']),
  baseUrl: z.url().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.prefault({}),
  /** Extra attempts on connect errors, 5xx and 429, made only before any byte reached the client. */
  retries: z.number().int().min(0).max(5).default(1),
  /** Keep-alive connections to the upstream per worker process. */
  connections: z.number().int().positive().max(4096).default(256),
});

/** Guard policies are parsed by src/guard's own schema at app start; here only their place in the file is fixed. */
export const guardsSchema = z.record(z.string(), z.unknown());

export const modelSchema = z.strictObject({
  id,
  provider: id,
  upstreamModel: z.string().min(1).max(256).optional(),
  /** Tried when the upstream fails before any byte reached the client. */
  fallback: id.optional(),
  /** Refuse with policy_stale when the node cannot confirm the current policy in time (default true). */
  failClosed: z.boolean().default(true),
  guards: guardsSchema.optional(),
  description: z.string().max(500).optional(),
});

export const tenantSchema = z.strictObject({
  id,
  guards: guardsSchema.optional(),
  /** Store raw prompts and completions in the audit log for this tenant (off by default). */
  capturePrompts: z.boolean().default(false),
});

export const storeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sqlite') }),
  z.strictObject({ kind: z.literal('postgres'), url: z.string().min(1), redisUrl: z.string().min(1).optional(), busPrefix: z.string().min(1).max(64).optional() }),
]);

export const configFileSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      workers: z.number().int().min(1).max(64).optional(),
      bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
      region: id.optional(),
      /** Stable node id (usually `${HOSTNAME}`-like, from the environment); workers append -w<i>. */
      nodeId: id.optional(),
    })
    .prefault({}),
  store: storeSchema.optional(),
  providers: z.array(providerSchema).max(256).default([]),
  models: z.array(modelSchema).max(4096).default([]),
  tenants: z.array(tenantSchema).max(100_000).default([]),
  guards: guardsSchema.optional(),
  /** Built-in in-process `demo-echo` model; on by default so a newcomer sees a request go through. */
  demo: z.boolean().default(true),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
