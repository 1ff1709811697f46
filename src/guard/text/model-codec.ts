/** @module Compact committed form of a linear model: int8-quantised weights per head, base64, with a scale. */
import type { LinearHead, LinearModel } from './linear-model.js';
import type { WindowSpec } from './windows.js';

export type EncodedHead = { readonly bias: number; readonly scale: number; readonly q: string };

export type EncodedModel = {
  readonly format: 'warden-linear-v1';
  readonly dim: number;
  readonly window: WindowSpec;
  readonly heads: readonly EncodedHead[];
};

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  }
  return btoa(bin);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Symmetric int8 quantisation; the largest |w| maps to 127. */
export function encodeHead(h: LinearHead): EncodedHead {
  let max = 0;
  for (const w of h.weights) max = Math.max(max, Math.abs(w));
  const scale = max === 0 ? 1 : max / 127;
  const q = new Int8Array(h.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round((h.weights[i] as number) / scale);
  return { bias: h.bias, scale, q: toBase64(new Uint8Array(q.buffer)) };
}

export function decodeHead(e: EncodedHead, dim: number): LinearHead {
  const bytes = fromBase64(e.q);
  if (bytes.length !== dim) throw new Error(`weights have ${bytes.length} entries, expected ${dim}`);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights = new Float32Array(dim);
  for (let i = 0; i < dim; i++) weights[i] = (q[i] as number) * e.scale;
  return { bias: e.bias, weights };
}

export function encodeModel(m: LinearModel): EncodedModel {
  return { format: 'warden-linear-v1', dim: m.dim, window: m.window, heads: m.heads.map(encodeHead) };
}

export function decodeModel(e: EncodedModel): LinearModel {
  return { dim: e.dim, window: e.window, heads: e.heads.map((h) => decodeHead(h, e.dim)) };
}
