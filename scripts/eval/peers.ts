/** @module Offline TypeScript peers run side by side in the evaluation (devDependencies only, never imported by src/). */

export type BinaryPeer = { readonly name: string; readonly task: 'injection' | 'harmful'; flag(text: string): Promise<boolean> };
export type SpanPeer = { readonly name: string; spans(text: string): Promise<{ type: string; start: number; end: number }[]> };
export type PeerLoad<T> = { ok: true; peer: T } | { ok: false; name: string; reason: string };

type Mod = Record<string, unknown>;

async function load(name: string): Promise<Mod> {
  return (await import(name)) as Mod;
}

function fn(m: Mod, key: string): (...a: unknown[]) => unknown {
  const f = m[key];
  if (typeof f !== 'function') throw new Error(`export ${key} missing`);
  return f as (...a: unknown[]) => unknown;
}

async function tryLoad<T>(name: string, make: () => Promise<T>): Promise<PeerLoad<T>> {
  try {
    return { ok: true, peer: await make() };
  } catch (e) {
    return { ok: false, name, reason: e instanceof Error ? e.message : String(e) };
  }
}

export async function loadBinaryPeers(): Promise<PeerLoad<BinaryPeer>[]> {
  return Promise.all([
    tryLoad('@andersmyrmel/vard (strict)', async () => {
      const m = await load('@andersmyrmel/vard');
      const vard = (m['default'] ?? m['vard']) as { strict(): { parse(t: string): unknown } };
      const strict = vard.strict();
      return {
        name: '@andersmyrmel/vard (strict)',
        task: 'injection' as const,
        flag: (t: string) => {
          try {
            strict.parse(t);
            return Promise.resolve(false);
          } catch {
            return Promise.resolve(true);
          }
        },
      };
    }),
    tryLoad('@claude-flow/aidefence', async () => {
      const isSafe = fn(await load('@claude-flow/aidefence'), 'isSafe');
      return { name: '@claude-flow/aidefence', task: 'injection' as const, flag: async (t: string) => !(await isSafe(t)) };
    }),
    tryLoad('llm_guardrail (injection+jailbreak)', async () => {
      const m = await load('llm_guardrail');
      const inj = fn(m, 'checkInjection');
      const jb = fn(m, 'checkJailbreak');
      const detected = (r: unknown): boolean => (r as { detected?: boolean }).detected === true;
      return {
        name: 'llm_guardrail (injection+jailbreak)',
        task: 'injection' as const,
        flag: async (t: string) => detected(await inj(t)) || detected(await jb(t)),
      };
    }),
    tryLoad('llm_guardrail (malicious)', async () => {
      const mal = fn(await load('llm_guardrail'), 'checkMalicious');
      return {
        name: 'llm_guardrail (malicious)',
        task: 'harmful' as const,
        flag: async (t: string) => ((await mal(t)) as { detected?: boolean }).detected === true,
      };
    }),
  ]);
}

const OPENAI_TYPES: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: 'EMAIL', PHONE_NUMBER: 'PHONE', CREDIT_CARD: 'CREDIT_CARD', IBAN_CODE: 'IBAN', IP_ADDRESS: 'IP_ADDRESS',
  US_SSN: 'US_SSN', URL: 'URL', PERSON: 'PERSON', LOCATION: 'LOCATION', DATE_TIME: 'DATE_TIME', NRP: 'NRP',
  US_DRIVER_LICENSE: 'US_DRIVER_LICENSE',
};

/** @openai/guardrails' PII check reports values, not offsets: values are located in the text (UTF-16). */
export async function loadSpanPeers(): Promise<PeerLoad<SpanPeer>[]> {
  return Promise.all([
    tryLoad('@openai/guardrails (pii + secret keys)', async () => {
      const m = await load('@openai/guardrails');
      const pii = fn(m, 'pii');
      const secrets = fn(m, 'secretKeysCheck');
      const entities = Object.keys(OPENAI_TYPES);
      return {
        name: '@openai/guardrails (pii + secret keys)',
        spans: async (t: string) => {
          const r = (await pii({}, t, { entities, block: false, detect_encoded_pii: false })) as { info?: { detected_entities?: Record<string, string[]> } };
          const out: { type: string; start: number; end: number }[] = [];
          const sr = (await secrets({}, t, { threshold: 'balanced' })) as { info?: { detected_secrets?: string[] } };
          // It reports secrets without a kind; counted as API_KEY, the most common secret type in the data.
          const found: [string, string[]][] = [...Object.entries(r.info?.detected_entities ?? {}), ['API_KEY', sr.info?.detected_secrets ?? []]];
          for (const [k, values] of found) {
            const type = OPENAI_TYPES[k] ?? k;
            for (const v of values) {
              let from = 0;
              for (let i = t.indexOf(v, from); i >= 0 && v.length > 0; i = t.indexOf(v, from)) {
                out.push({ type, start: i, end: i + v.length });
                from = i + v.length;
              }
            }
          }
          return out;
        },
      };
    }),
  ]);
}
