/** @module UTF-8 chunks of one stream to text, as a streaming TextDecoder gives it, without a TextDecoder for most streams. */
import { TextDecoder } from 'node:util';

/**
 * Same text as `new TextDecoder().decode(chunk, { stream: true })` called on each chunk in turn (invalid bytes
 * become U+FFFD, a byte order mark at the very start is dropped, a character split across chunks is kept whole).
 * A TextDecoder costs several microseconds to create (an ICU converter per instance), more than the rest of a short
 * stream's decoding; while every chunk ends on an ASCII byte nothing can be pending between chunks, so Buffer's own
 * UTF-8 decoding gives the same text. The first chunk that ends otherwise, or a first chunk that may begin with a
 * byte order mark, hands this stream to a TextDecoder for good.
 */
export class ChunkDecoder {
  #decoder: TextDecoder | undefined = undefined;
  #started = false;

  decode(chunk: Uint8Array): string {
    const n = chunk.length;
    if (n === 0) return '';
    const first = !this.#started;
    this.#started = true;
    if (this.#decoder === undefined && (chunk[n - 1] as number) < 0x80 && !(first && chunk[0] === 0xef)) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, n);
      return b.toString('utf8');
    }
    // Past the first chunk a byte order mark is text, as it is to a decoder that has already started.
    this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: !first });
    return this.#decoder.decode(chunk, { stream: true });
  }
}
