/** @module Hot path: the canonical JSON of a request event written directly, keys in JCS order, no generic sort or recursion. */
import type { AuditFinding, RequestEventInput, TextDigest } from './event.js';
import { isWellFormed, toWellFormed } from './unicode.js';

// Bounds what one event may carry, so a hostile or buggy caller cannot bloat the log.
export const MAX_STRING = 1_024;
export const MAX_FINDINGS = 64;

/**
 * Equals `canonicalize(payload)` of the request payload (checked in request-payload.test.ts). Written by hand
 * because request events are nearly all events and the generic path costs several times more.
 */
export function requestPayloadJson(input: RequestEventInput, node: string, at: number, digest: (text: string) => TextDigest): string {
  let out = '';
  const put = (key: string, json: string | undefined): void => {
    if (json === undefined) return;
    out += out === '' ? `{"${key}":${json}` : `,"${key}":${json}`;
  };
  const keyId = str(input.keyId);
  put('actor', str(input.actor) ?? (keyId !== undefined ? str(`key:${input.keyId ?? ''}`) : undefined));
  put('api', input.api === 'openai' || input.api === 'anthropic' ? `"${input.api}"` : undefined);
  put('at', String(at));
  put('code', str(input.code));
  put('completion', typeof input.completion === 'string' ? textJson(digest(input.completion)) : undefined);
  put('findings', input.findings && input.findings.length > 0 ? findingsJson(input.findings) : undefined);
  put('keyId', keyId);
  put('kind', '"request"');
  put('latencyMs', num(input.latencyMs));
  put('model', str(input.model));
  put('node', str(node) ?? '""');
  put('outcome', str(input.outcome) ?? '"?"');
  put('prompt', typeof input.prompt === 'string' ? textJson(digest(input.prompt)) : undefined);
  put('provider', str(input.provider));
  put('region', str(input.region));
  put('requestId', str(input.requestId));
  put('restrictionId', str(input.restrictionId));
  put('servedModel', str(input.servedModel));
  put('status', num(input.status));
  put('stream', typeof input.stream === 'boolean' ? String(input.stream) : undefined);
  put('tenant', str(input.tenant));
  if (input.usage) {
    const i = num(input.usage.inputTokens);
    const o = num(input.usage.outputTokens);
    put('usage', `{${i === undefined ? '' : `"inputTokens":${i}`}${o === undefined ? '' : `${i === undefined ? '' : ','}"outputTokens":${o}`}}`);
  }
  return `${out}}`;
}

function findingsJson(list: readonly AuditFinding[]): string {
  let out = '[';
  const n = Math.min(list.length, MAX_FINDINGS);
  for (let i = 0; i < n; i++) {
    const f = list[i] as AuditFinding;
    const action = f.action === 'block' || f.action === 'redact' || f.action === 'flag' || f.action === 'pass' ? `"action":"${f.action}",` : '';
    const stage = f.stage === 'input' || f.stage === 'output' ? `,"stage":"${f.stage}"` : '';
    out += `${i > 0 ? ',' : ''}{${action}"count":${num(f.count) ?? '0'},"scanner":${str(f.scanner) ?? '"?"'}${stage}}`;
  }
  return `${out}]`;
}

function textJson(d: TextDigest): string {
  return `{"bytes":${d.bytes},"hmac":"${d.hmac}"${d.text === undefined ? '' : `,"text":${JSON.stringify(d.text)}`}}`;
}

/** JSON string of a bounded, well-formed copy; undefined for non-strings. */
function str(v: string | null | undefined): string | undefined {
  if (typeof v !== 'string') return undefined;
  const cut = v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
  return JSON.stringify(isWellFormed(cut) ? cut : toWellFormed(cut));
}

function num(v: number | undefined): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? JSON.stringify(v) : undefined;
}
