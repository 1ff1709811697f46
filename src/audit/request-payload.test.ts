import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.js';
import type { RequestEventInput } from './event.js';
import { buildPayload } from './payload.js';
import { requestPayloadJson } from './request-payload.js';

const key = Buffer.alloc(32, 7);

describe('request payload fast path', () => {
  const cases: RequestEventInput[] = [
    { kind: 'request', outcome: 'allowed' },
    { kind: 'request', outcome: 'blocked', keyId: 'k"1', tenant: 'ténant\u2028', model: 'gpt-4o', code: 'GW_GUARD_BLOCKED', status: 400, latencyMs: 12.5,
      usage: { inputTokens: 3 }, findings: [{ scanner: 'pii.email', count: 2, action: 'block', stage: 'input' }, { scanner: 'x', count: 1 }],
      prompt: 'hello', completion: 'world', capture: true, stream: false, api: 'anthropic', region: 'eu', requestId: 'r1', restrictionId: 'rs', servedModel: 'm2', provider: 'p' },
    { kind: 'request', outcome: 'refused', actor: 'admin', usage: { outputTokens: 9 }, prompt: 'secret', latencyMs: -0, tenant: '\ud800bad', requestId: 'x'.repeat(5000) },
    { kind: 'request', outcome: 'fallback', usage: {}, findings: [], keyId: null, model: null },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('matches the generic canonical form (case %i)', (_i, c) => {
    const fast = requestPayloadJson(c, 'node-1', 42, (t) => {
      // Same digest both ways: the generic builder computes it itself.
      return (buildPayload({ kind: 'request', outcome: 'allowed', prompt: t, capture: c.capture === true }, 'n', 0, key) as { prompt: never }).prompt;
    });
    expect(fast).toBe(canonicalize(buildPayload(c, 'node-1', 42, key)));
  });
});
