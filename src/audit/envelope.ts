/** @module The hashed event envelope: building it around a canonical payload, and reading it back without a full parse. */
import { hash } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;
const TAIL = ',"v":1}';

/** Canonical JSON of `{e, prev, seq, v:1}` given the payload's canonical JSON (JCS order is e < prev < seq < v). */
export function envelope(payloadJson: string, prev: string, seq: number): string {
  return `{"e":${payloadJson},"prev":"${prev}","seq":${seq}${TAIL}`;
}

/** Hex SHA-256 (a string, not a Buffer: see merkle.ts on why). */
export function sha256(text: string | Uint8Array): string {
  return hash('sha256', text);
}

export type Envelope = { readonly payload: string; readonly prev: string; readonly seq: number };

/**
 * Splits an envelope into payload text, prev and seq by its fixed shape; undefined when the shape is wrong.
 * Verification only needs these three; the hash covers every byte, so the payload need not be parsed.
 */
export function openEnvelope(body: string): Envelope | undefined {
  if (!body.startsWith('{"e":') || !body.endsWith(TAIL)) return undefined;
  const seqAt = body.lastIndexOf(',"seq":');
  if (seqAt < 0) return undefined;
  const seqText = body.slice(seqAt + 7, body.length - TAIL.length);
  if (!/^[1-9][0-9]{0,15}$/.test(seqText)) return undefined;
  const prevEnd = seqAt - 1;
  const prevStart = prevEnd - 64;
  if (body[prevEnd] !== '"' || body.slice(prevStart - 9, prevStart) !== ',"prev":"') return undefined;
  const prev = body.slice(prevStart, prevEnd);
  if (!HEX64.test(prev)) return undefined;
  return { payload: body.slice(5, prevStart - 9), prev, seq: Number(seqText) };
}
