/** @module Compact codec for the tagger weights: sparse buckets, delta-varint indices, int8 weights, base64 text. */
import { BIAS_FEATURE, FEATURES_PER_TOKEN, historyFeatures, STATIC_FEATURES, TAG_COUNT } from './tagger-features.js';

export type TaggerModel = {
  readonly bits: number;
  readonly mask: number;
  /** Dense int8 weights, bucket-major: weights[bucket * TAG_COUNT + tag]. */
  readonly weights: Int8Array;
  /**
   * The same weights plus 128 as bytes, read four at a time (little-endian hosts only, else undefined): int32 `2b`
   * holds tags 0-3 of bucket b, `2b + 1` tags 4-7. Summing two 16-bit lanes per int32 (`x & 0x00ff00ff` and
   * `(x >> 8) & 0x00ff00ff`) takes 2 loads per feature instead of 8; 22 features of at most 255 cannot overflow a lane.
   */
  readonly packed: Int32Array | undefined;
  /**
   * With `packed`: for each (previous tag, tag before it), the four packed lane sums of the features that do not
   * depend on the token (the bias and the first two history features), at `(prev * TAG_COUNT + prev2) * 4`. The
   * tagger starts each token's sums from them: 19 lookups per token instead of 22, the same integer sums.
   */
  readonly historyLanes?: Int32Array | undefined;
};

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function packWeights(weights: Int8Array): Int32Array | undefined {
  if (!LITTLE_ENDIAN || TAG_COUNT !== 8) return undefined;
  const bytes = new Uint8Array(weights.length);
  for (let i = 0; i < weights.length; i++) bytes[i] = (weights[i] as number) + 128;
  return new Int32Array(bytes.buffer);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function fromBase64(s: string): Uint8Array {
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const v = lookup[s.charCodeAt(i)] ?? -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + B64.charAt(v & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = (bytes[i] ?? 0) << 16;
    s += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63) + '==';
  } else if (rest === 2) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    s += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + '=';
  }
  return s;
}

export function decodeModel(bits: number, data: string): TaggerModel {
  const size = 1 << bits;
  const weights = new Int8Array(size * TAG_COUNT);
  const bytes = fromBase64(data);
  let p = 0;
  let bucket = -1;
  while (p < bytes.length) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++] ?? 0;
      delta += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    bucket += delta;
    if (bucket >= size) break;
    for (let t = 0; t < TAG_COUNT; t++) {
      const b = bytes[p++] ?? 0;
      weights[bucket * TAG_COUNT + t] = b > 127 ? b - 256 : b;
    }
  }
  const packed = packWeights(weights);
  return { bits, mask: size - 1, weights, packed, historyLanes: packed === undefined ? undefined : historyLanes(packed, size - 1) };
}

/** See TaggerModel.historyLanes. */
function historyLanes(packed: Int32Array, mask: number): Int32Array {
  const lanes = new Int32Array(TAG_COUNT * TAG_COUNT * 4);
  const feats = new Int32Array(FEATURES_PER_TOKEN);
  for (let prev = 0; prev < TAG_COUNT; prev++) {
    for (let prev2 = 0; prev2 < TAG_COUNT; prev2++) {
      historyFeatures(prev, prev2, 0, feats, STATIC_FEATURES);
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (const h of [BIAS_FEATURE, feats[STATIC_FEATURES] as number, feats[STATIC_FEATURES + 1] as number]) {
        const k = (h & mask) << 1;
        const x = packed[k] as number;
        const y = packed[k + 1] as number;
        a += x & 0x00ff00ff;
        b += (x >> 8) & 0x00ff00ff;
        c += y & 0x00ff00ff;
        d += (y >> 8) & 0x00ff00ff;
      }
      const at = (prev * TAG_COUNT + prev2) * 4;
      lanes[at] = a;
      lanes[at + 1] = b;
      lanes[at + 2] = c;
      lanes[at + 3] = d;
    }
  }
  return lanes;
}

/** Encodes dense int8 weights, keeping only buckets with a non-zero weight. */
export function encodeModel(weights: Int8Array): string {
  const bytes: number[] = [];
  let last = -1;
  const buckets = weights.length / TAG_COUNT;
  for (let b = 0; b < buckets; b++) {
    let any = false;
    for (let t = 0; t < TAG_COUNT; t++) if ((weights[b * TAG_COUNT + t] ?? 0) !== 0) any = true;
    if (!any) continue;
    let delta = b - last;
    last = b;
    while (delta >= 0x80) {
      bytes.push((delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 128);
    }
    bytes.push(delta);
    for (let t = 0; t < TAG_COUNT; t++) bytes.push((weights[b * TAG_COUNT + t] ?? 0) & 0xff);
  }
  return toBase64(Uint8Array.from(bytes));
}
