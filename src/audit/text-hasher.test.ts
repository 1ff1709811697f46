import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TextHasher } from './text-hasher.js';

describe('TextHasher', () => {
  it('equals node:crypto HMAC-SHA256 for short, long, unicode and huge texts', () => {
    const key = randomBytes(32);
    const h = new TextHasher(key);
    for (const text of ['', 'hello', 'é€😀\ud800', 'x'.repeat(10_000), 'y'.repeat(300_000), 'short again']) {
      expect(h.digest(text)).toEqual({ hmac: createHmac('sha256', key).update(text, 'utf8').digest('hex'), bytes: Buffer.byteLength(text) });
    }
  });
});
