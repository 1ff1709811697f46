import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from './pseudonymise.js';

describe('pseudonymiser', () => {
  it('gives one value the same placeholder across messages and restores it', () => {
    const p = createPseudonymiser();
    const a = p.redact('Mail ana@corp.example.io or bob@corp.example.io');
    const b = p.redact('Again: ana@corp.example.io');
    expect(a).toBe('Mail [EMAIL_1] or [EMAIL_2]');
    expect(b).toBe('Again: [EMAIL_1]');
    expect(p.restore('I wrote to [EMAIL_2] and [EMAIL_1].')).toBe('I wrote to bob@corp.example.io and ana@corp.example.io.');
  });

  it('leaves unknown placeholders alone', () => {
    const p = createPseudonymiser();
    p.redact('ana@corp.example.io');
    expect(p.restore('[EMAIL_9] [PHONE_1]')).toBe('[EMAIL_9] [PHONE_1]');
  });

  it('restores a placeholder split across stream chunks, holding back no more than one placeholder', () => {
    const p = createPseudonymiser();
    p.redact('card 4111 1111 1111 1111 and ana@corp.example.io');
    const r = p.createRestorer();
    const chunks = ['Your card [CRED', 'IT_CARD_1] and [', 'EMAIL', '_1] are noted [x'];
    let out = '';
    for (const c of chunks) {
      const emitted = r.push(c);
      out += emitted;
    }
    out += r.end();
    expect(out).toBe('Your card 4111 1111 1111 1111 and ana@corp.example.io are noted [x');
  });

  it('uses a caller-supplied detector, e.g. one that adds secrets', () => {
    const p = createPseudonymiser({ detect: (t) => [{ type: 'API_KEY', start: t.indexOf('sk-'), end: t.indexOf('sk-') + 10 }] });
    expect(p.redact('key sk-1234567 end')).toBe('key [API_KEY_1] end');
    expect(p.restore('use [API_KEY_1]')).toBe('use sk-1234567');
  });
});
