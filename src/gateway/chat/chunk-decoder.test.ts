import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../scripts/eval/prng.js';
import { ChunkDecoder } from './chunk-decoder.js';

/** What the stream path did before: one streaming TextDecoder per stream. */
function reference(chunks: readonly Uint8Array[]): string[] {
  const d = new TextDecoder();
  return chunks.map((c) => d.decode(c, { stream: true }));
}

function decoded(chunks: readonly Uint8Array[]): string[] {
  const d = new ChunkDecoder();
  return chunks.map((c) => d.decode(c));
}

// Bytes that make the interesting cases: ASCII, continuation bytes, lead bytes of every length, invalid leads, BOM parts.
const BYTES = [0x00, 0x0a, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbb, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];

describe('ChunkDecoder', () => {
  it('gives what a streaming TextDecoder gives, chunk for chunk, on random bytes and random splits', () => {
    const rnd = mulberry32(7);
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(rnd() * 24);
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = rnd() < 0.6 ? (BYTES[Math.floor(rnd() * BYTES.length)] as number) : Math.floor(rnd() * 256);
      // Often start with a byte order mark, whole or cut.
      if (rnd() < 0.2) bytes.set([0xef, 0xbb, 0xbf].slice(0, Math.min(len, 3)));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < len;) {
        const size = Math.floor(rnd() * 6);
        chunks.push(Buffer.from(bytes.subarray(at, at + size)));
        at += size;
      }
      expect(decoded(chunks), JSON.stringify([...bytes])).toEqual(reference(chunks));
    }
  });

  it('drops a byte order mark at the start only, and keeps characters split across chunks', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(decoded([Buffer.concat([bom, Buffer.from('data: a\n\n')]), Buffer.concat([bom, Buffer.from('x\n')])]))
      .toEqual(['data: a\n\n', '\ufeffx\n']);
    expect(decoded([Buffer.from('a\n'), Buffer.concat([bom, Buffer.from('b\n')])])).toEqual(['a\n', '\ufeffb\n']);
    const euro = Buffer.from('€');
    expect(decoded([Buffer.from('a'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('b')])).toEqual(['a', '', '€', 'b']);
    expect(decoded([new Uint8Array([0x68, 0x69])])).toEqual(['hi']);
  });
});
