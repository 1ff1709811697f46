/** @module loadConfig: defaults, precedence, `${VAR}` substitution, and bad-config messages that name the file, the path and the problem. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_PORT, loadConfig, type Config } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const written = { count: 0 };
function file(yaml: string): string {
  const p = join(dir, `c${++written.count}.yaml`);
  writeFileSync(p, yaml);
  return p;
}

const DATA = { data: join(dir, 'data') };

/** Loads and expects a GW_CONFIG_INVALID whose message contains every fragment. */
function expectInvalid(load: () => Config, ...fragments: string[]): string {
  let caught: unknown;
  try {
    load();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GatewayError);
  const e = caught as GatewayError;
  expect(e.code).toBe('GW_CONFIG_INVALID');
  for (const f of fragments) expect(e.message).toContain(f);
  return e.message;
}

const GOOD = `
providers:
  - { id: local, type: openai, baseUrl: "http://127.0.0.1:9001/v1", apiKey: "\${LOCAL_KEY}" }
models:
  - { id: gpt-test, provider: local, upstreamModel: stub-model }
`;

describe('defaults', () => {
  it('starts without a config file: loopback, port 8787, 4 MiB bodies, the demo model, no providers', () => {
    const c = loadConfig(DATA, {});
    expect(c.configFile).toBeUndefined();
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(DEFAULT_PORT);
    expect(DEFAULT_PORT).toBe(8787);
    expect(c.bodyLimitBytes).toBe(DEFAULT_BODY_LIMIT);
    expect(DEFAULT_BODY_LIMIT).toBe(4 * 1024 * 1024);
    expect(c.region).toBe('default');
    expect(c.demo).toBe(true);
    expect(c.providers).toEqual([]);
    expect(c.models).toEqual([]);
    expect(c.store).toEqual({ kind: 'sqlite', dataDir: c.dataDir });
    expect(c.workers).toBeGreaterThanOrEqual(1);
    expect(c.adminToken).toBeUndefined();
  });

  it('defaults the data directory to ./.warden', () => {
    expect(loadConfig({}, {}).dataDir).toBe(join(process.cwd(), '.warden'));
  });

  it('takes providers from OPENAI_API_KEY and ANTHROPIC_API_KEY when there is no config file', () => {
    const c = loadConfig(DATA, { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' });
    expect(c.providers.map((p) => [p.id, p.type])).toEqual([['openai', 'openai'], ['anthropic', 'anthropic']]);
    expect(c.providers[0]?.apiKey?.reveal()).toBe('sk-o');
    expect(c.providers[1]?.apiKey?.reveal()).toBe('sk-a');
  });

  it('ignores OPENAI_API_KEY when a config file names the providers', () => {
    const c = loadConfig({ ...DATA, config: file(GOOD) }, { OPENAI_API_KEY: 'sk-o', LOCAL_KEY: 'k' });
    expect(c.providers.map((p) => p.id)).toEqual(['local']);
  });

  it('fills provider and model defaults: time limits, one retry, fail closed, upstream model = id', () => {
    const c = loadConfig({ ...DATA, config: file('providers: [{ id: p, type: anthropic }]\nmodels: [{ id: m, provider: p }]\n') }, {});
    const p = c.providers[0];
    expect(p?.timeouts).toEqual({ connectMs: 5_000, firstByteMs: 60_000, totalMs: 600_000 });
    expect(p?.retries).toBe(1);
    expect(p?.apiKey).toBeUndefined();
    expect(c.models[0]?.failClosed).toBe(true);
    expect(c.models[0]?.upstreamModel).toBeUndefined();
  });

  it('returns a deeply frozen object', () => {
    const c = loadConfig({ ...DATA, config: file(GOOD) }, { LOCAL_KEY: 'k' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.providers)).toBe(true);
    expect(Object.isFrozen(c.providers[0])).toBe(true);
    expect(Object.isFrozen(c.models[0])).toBe(true);
  });
});

describe('precedence', () => {
  const withServer = (): string => file('server: { port: 1111, host: 0.0.0.0, region: eu, bodyLimitBytes: 2048 }\n');

  it('takes flags over the environment over the file', () => {
    const f = withServer();
    expect(loadConfig({ ...DATA, config: f }, {}).port).toBe(1111);
    expect(loadConfig({ ...DATA, config: f }, { WARDEN_PORT: '2222' }).port).toBe(2222);
    expect(loadConfig({ ...DATA, config: f, port: 3333 }, { WARDEN_PORT: '2222' }).port).toBe(3333);
    expect(loadConfig({ ...DATA, config: f }, { WARDEN_HOST: '127.0.0.2' }).host).toBe('127.0.0.2');
    expect(loadConfig({ ...DATA, config: f }, {}).host).toBe('0.0.0.0');
    expect(loadConfig({ ...DATA, config: f }, {}).region).toBe('eu');
    expect(loadConfig({ ...DATA, config: f }, {}).bodyLimitBytes).toBe(2048);
  });

  it('accepts port 0 from a flag (any free port)', () => {
    expect(loadConfig({ ...DATA, port: 0 }, { WARDEN_PORT: '2222' }).port).toBe(0);
  });

  it('reads the file named by WARDEN_CONFIG and the directory named by WARDEN_DATA', () => {
    const f = withServer();
    const data = join(dir, 'envdata');
    const c = loadConfig({}, { WARDEN_CONFIG: f, WARDEN_DATA: data });
    expect(c.configFile).toBe(f);
    expect(c.port).toBe(1111);
    expect(c.dataDir).toBe(data);
  });

  it('takes the admin token from WARDEN_ADMIN_TOKEN as a secret', () => {
    const c = loadConfig(DATA, { WARDEN_ADMIN_TOKEN: 'tok-123' });
    expect(c.adminToken?.reveal()).toBe('tok-123');
    expect(JSON.stringify(c)).not.toContain('tok-123');
  });

  it('refuses a WARDEN_PORT that is not a whole number, naming the variable', () => {
    expectInvalid(() => loadConfig(DATA, { WARDEN_PORT: 'eighty' }), 'WARDEN_PORT', 'eighty');
  });

  it('refuses a --store that is neither sqlite nor a postgres URL', () => {
    expectInvalid(() => loadConfig({ ...DATA, store: 'mysql://x' }, {}), '--store');
  });
});

describe('${VAR} substitution', () => {
  it('replaces ${VAR} in values from the environment and keeps the secret out of prints', () => {
    const c = loadConfig({ ...DATA, config: file(GOOD) }, { LOCAL_KEY: 'sk-live-abc' });
    expect(c.providers[0]?.apiKey?.reveal()).toBe('sk-live-abc');
    expect(c.warnings).toEqual([]);
    expect(JSON.stringify(c)).not.toContain('sk-live-abc');
    expect(inspect(c, { depth: 10 })).not.toContain('sk-live-abc');
  });

  it('replaces several variables inside one string', () => {
    const f = file('providers: [{ id: p, type: openai, baseUrl: "http://${HOST}:${PORT}/v1" }]\n');
    expect(loadConfig({ ...DATA, config: f }, { HOST: '10.0.0.1', PORT: '9000' }).providers[0]?.baseUrl).toBe('http://10.0.0.1:9000/v1');
  });

  it('warns, naming the path and the variable, when a variable is unset, and uses an empty value', () => {
    const c = loadConfig({ ...DATA, config: file(GOOD) }, {});
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain('providers.0.apiKey');
    expect(c.warnings[0]).toContain('LOCAL_KEY');
    expect(c.providers[0]?.apiKey).toBeUndefined();
  });

  it('never lets an environment value change the structure of the file', () => {
    const f = file('providers: [{ id: p, type: openai, apiKey: "${EVIL}" }]\n');
    const c = loadConfig({ ...DATA, config: f }, { EVIL: 'x"\nmodels: [{ id: m, provider: p }]\n${LOCAL_KEY}' });
    expect(c.models).toEqual([]);
    expect(c.providers[0]?.apiKey?.reveal()).toBe('x"\nmodels: [{ id: m, provider: p }]\n${LOCAL_KEY}');
  });

  it('does not substitute inside keys', () => {
    const f = file('providers: [{ id: p, type: openai, headers: { "${H}": v } }]\n');
    expect(loadConfig({ ...DATA, config: f }, { H: 'x-real' }).providers[0]?.headers).toEqual({ '${H}': 'v' });
  });
});

describe('bad configuration names the file, the path inside it and the problem', () => {
  it('for a file that does not exist', () => {
    const p = join(dir, 'missing.yaml');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'cannot read', 'ENOENT');
  });

  it('for YAML that does not parse, with its line', () => {
    const p = file('providers:\n  - { id: p, type: openai\nmodels: []\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'line', 'not valid YAML');
  });

  it('for an unknown field', () => {
    const p = file('providers: [{ id: p, type: openai, bogus: 1 }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.0', 'bogus');
  });

  it('for an unknown top-level section', () => {
    const p = file('provider: []\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'provider');
  });

  it('for a wrong type', () => {
    const p = file('server: { port: "eighty" }\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'server.port');
  });

  it('for a provider type that does not exist', () => {
    const p = file('providers: [{ id: p, type: gemini }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.0.type');
  });

  it('for a base URL that is not a URL', () => {
    const p = file('providers: [{ id: p, type: openai, baseUrl: "not a url" }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.0.baseUrl');
  });

  it('for an id with characters outside the allowed set', () => {
    const p = file('providers: [{ id: "bad id!", type: openai }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.0.id', 'letters, digits');
  });

  it('for a time limit out of range', () => {
    const p = file('providers: [{ id: p, type: openai, timeouts: { connectMs: -5 } }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.0.timeouts.connectMs');
  });

  it('for a body limit under 1 KiB', () => {
    const p = file('server: { bodyLimitBytes: 10 }\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'server.bodyLimitBytes');
  });

  it('for a file whose top level is not a mapping', () => {
    const p = file('- just\n- a list\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, '(top level)');
  });

  it('for a duplicate provider id', () => {
    const p = file('providers: [{ id: p, type: openai }, { id: p, type: anthropic }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'providers.1.id', 'duplicate provider id "p"');
  });

  it('for a duplicate model id', () => {
    const p = file('providers: [{ id: p, type: openai }]\nmodels: [{ id: m, provider: p }, { id: m, provider: p }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'models.1.id', 'duplicate model id "m"');
  });

  it('for a model naming an unknown provider, listing the known ones', () => {
    const p = file('providers: [{ id: local, type: openai }]\nmodels: [{ id: m, provider: remote }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'models.0.provider', 'unknown provider "remote"', 'known: local');
  });

  it('for a fallback naming an unknown model', () => {
    const p = file('providers: [{ id: local, type: openai }]\nmodels: [{ id: m, provider: local, fallback: nowhere }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'models.0.fallback', 'unknown model "nowhere"');
  });

  it('accepts a fallback to a model defined later, or to demo-echo', () => {
    const p = file('providers: [{ id: l, type: openai }]\nmodels: [{ id: a, provider: l, fallback: b }, { id: b, provider: l, fallback: demo-echo }]\n');
    expect(loadConfig({ ...DATA, config: p }, {}).models.map((m) => m.fallback)).toEqual(['b', 'demo-echo']);
  });

  it('lists several problems at once', () => {
    const p = file('server: { port: -1 }\nproviders: [{ id: p, type: nope }]\n');
    expectInvalid(() => loadConfig({ ...DATA, config: p }, {}), p, 'server.port', 'providers.0.type', 'expected one of');
  });
});
