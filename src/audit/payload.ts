/** @module Turns a recorded event into its stored payload: node and time set, texts replaced by keyed hashes. */
import { createHmac } from 'node:crypto';
import { canonicalize } from './canonical-json.js';
import type { AuditEventInput, SystemEventInput, TextDigest } from './event.js';
import { JsonStrings } from './json-strings.js';
import { MAX_FINDINGS, MAX_STRING, requestPayloadJson } from './request-payload.js';
import { TextHasher } from './text-hasher.js';
import { toWellFormed } from './unicode.js';

const MAX_DETAIL_BYTES = 16_384;
const MAX_CAPTURE_CHARS = 1_000_000;

/** Keyed hash of a text: HMAC-SHA256 under the data directory's secret, so equal texts can be matched but not guessed. */
export function digestText(hmacKey: Buffer, text: string, capture: boolean): TextDigest {
  const bytes = Buffer.byteLength(text, 'utf8');
  const hmac = createHmac('sha256', hmacKey).update(text, 'utf8').digest('hex');
  return capture ? { hmac, bytes, text: capturedText(text) } : { hmac, bytes };
}

function capturedText(text: string): string {
  return toWellFormed(text.length > MAX_CAPTURE_CHARS ? text.slice(0, MAX_CAPTURE_CHARS) : text);
}

/**
 * Builds stored payloads for one node and key, reusing what can be reused across events: the HMAC pads,
 * the memoised JSON of repeated strings, and the two digest functions (no closure per event).
 */
export class PayloadEncoder {
  readonly #node: string;
  readonly #hmacKey: Buffer;
  readonly #strings = new JsonStrings();
  readonly #plain: (text: string) => TextDigest;
  readonly #captured: (text: string) => TextDigest;

  constructor(node: string, hmacKey: Buffer, hasher = new TextHasher(hmacKey)) {
    this.#node = node;
    this.#hmacKey = hmacKey;
    this.#plain = (t) => hasher.digest(t);
    this.#captured = (t) => ({ ...hasher.digest(t), text: capturedText(t) });
  }

  /** Canonical JSON of the payload. Never throws: an event that cannot be serialised is stored as an `invalid` marker. */
  encode(input: AuditEventInput | SystemEventInput, now: number): { json: string; at: number } {
    const at = typeof input.at === 'number' && Number.isFinite(input.at) ? Math.trunc(input.at) : now;
    try {
      if (input.kind === 'request') {
        const json = requestPayloadJson(input, this.#node, at, input.capture === true ? this.#captured : this.#plain, this.#strings);
        // Concatenation leaves a tree of ~40 V8 cons strings (~2.8 KB) that would live until the batch commits;
        // reading a character flattens it into one ~0.5 KB string, so the tree dies young instead of being copied by GC.
        // (The check also keeps the read from being optimised away.)
        if (json.charCodeAt(json.length - 1) !== 0x7d) throw new Error('request payload is not a JSON object');
        return { json, at };
      }
      return { json: canonicalize(buildPayload(input, this.#node, at, this.#hmacKey)), at };
    } catch (err) {
      const kind = input.kind === 'request' || input.kind === 'change' ? input.kind : 'audit';
      return { json: canonicalize({ at, invalid: err instanceof Error ? err.message.slice(0, 200) : 'unserialisable', kind, node: this.#node }), at };
    }
  }
}

/** One-off form of PayloadEncoder.encode (tests, tools); the log keeps one encoder. */
export function payloadJson(input: AuditEventInput | SystemEventInput, node: string, now: number, hmacKey: Buffer, hasher = new TextHasher(hmacKey)): { json: string; at: number } {
  return new PayloadEncoder(node, hmacKey, hasher).encode(input, now);
}

// Keys are inserted in JCS order (UTF-16 code units), so canonicalize() need not sort them on the hot path.
export function buildPayload(input: AuditEventInput | SystemEventInput, node: string, at: number, hmacKey: Buffer): Record<string, unknown> {
  if (input.kind === 'request') {
    const capture = input.capture === true;
    return {
      actor: s(input.actor) ?? (input.keyId ? `key:${s(input.keyId) ?? ''}` : undefined),
      api: input.api,
      at,
      code: s(input.code),
      completion: typeof input.completion === 'string' ? digestText(hmacKey, input.completion, capture) : undefined,
      findings: input.findings && input.findings.length > 0
        ? input.findings.slice(0, MAX_FINDINGS).map((f) => ({ action: f.action, count: num(f.count) ?? 0, scanner: s(f.scanner) ?? '?', stage: f.stage }))
        : undefined,
      keyId: s(input.keyId),
      kind: 'request',
      latencyMs: num(input.latencyMs),
      model: s(input.model),
      node,
      outcome: input.outcome,
      prompt: typeof input.prompt === 'string' ? digestText(hmacKey, input.prompt, capture) : undefined,
      provider: s(input.provider),
      region: s(input.region),
      requestId: s(input.requestId),
      restrictionId: s(input.restrictionId),
      servedModel: s(input.servedModel),
      status: num(input.status),
      stream: input.stream,
      tenant: s(input.tenant),
      usage: input.usage ? { inputTokens: num(input.usage.inputTokens), outputTokens: num(input.usage.outputTokens) } : undefined,
    };
  }
  let detail: unknown;
  if (input.detail !== undefined) {
    const text = canonicalize(input.detail);
    detail = text.length > MAX_DETAIL_BYTES ? { bytes: text.length, truncated: true } : JSON.parse(text) as unknown;
  }
  const change = input.kind === 'change' ? input : undefined;
  return {
    action: s(input.action),
    actor: s(input.actor) ?? 'system',
    at,
    detail,
    kind: input.kind,
    model: s(change?.model),
    node,
    target: s(change?.target),
    tenant: s(change?.tenant),
    version: num(change?.version),
  };
}

function s(v: string | null | undefined): string | undefined {
  if (typeof v !== 'string') return undefined;
  // toWellFormed: a cut surrogate pair or a hostile lone surrogate must not make the event unserialisable.
  return toWellFormed(v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v);
}

function num(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
