/** @module HMAC-SHA256 of prompt and completion texts, computed with reused buffers (it runs for nearly every event). */
import { createHmac, hash } from 'node:crypto';

const BLOCK = 64;
// Texts above this go through createHmac, so one huge prompt does not leave a huge scratch buffer behind.
const SCRATCH_MAX = 256 * 1024;

/** Same result as createHmac('sha256', key).update(text).digest('hex'), without a native Hmac object per call. */
export class TextHasher {
  readonly #key: Buffer;
  readonly #ipad: Buffer;
  readonly #outer: Buffer;
  #scratch: Buffer;

  constructor(key: Buffer) {
    if (key.length > BLOCK) throw new RangeError('HMAC key longer than the SHA-256 block');
    this.#key = key;
    this.#ipad = Buffer.alloc(BLOCK, 0x36);
    this.#outer = Buffer.alloc(BLOCK + 32, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.#ipad[i] = (this.#ipad[i] as number) ^ (key[i] as number);
      this.#outer[i] = (this.#outer[i] as number) ^ (key[i] as number);
    }
    this.#scratch = Buffer.allocUnsafe(BLOCK + 4096);
  }

  /** Hex HMAC and UTF-8 length of `text`. */
  digest(text: string): { hmac: string; bytes: number } {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > SCRATCH_MAX) return { hmac: createHmac('sha256', this.#key).update(text, 'utf8').digest('hex'), bytes };
    if (this.#scratch.length < BLOCK + bytes) this.#scratch = Buffer.allocUnsafe(BLOCK + bytes);
    this.#ipad.copy(this.#scratch, 0);
    this.#scratch.write(text, BLOCK, 'utf8');
    const inner = hash('sha256', this.#scratch.subarray(0, BLOCK + bytes));
    this.#outer.write(inner, BLOCK, 32, 'hex');
    return { hmac: hash('sha256', this.#outer), bytes };
  }
}
