import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.js';

describe('canonicalize (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    // RFC 8785 §3.2.3 sorting example (keys only).
    const v = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read the key order from the text: JSON.parse would move the integer-like key first again.
    const keys = [...canonicalize(v).matchAll(/"([^"\\]|\\.)*":/g)].map((m) => JSON.parse(m[0].slice(0, -1)) as string);
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  // The RFC's literal has more digits than a double holds; parsing it at run time keeps the sample exact.
  const rfcThird = Number('333333333.33333329');

  it('formats numbers the ECMAScript way', () => {
    expect(canonicalize([rfcThird, 1e30, 4.50, 2e-3, 0.000000000000000000000000001, -0, 1e21, 1e-7]))
      .toBe('[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,1e-7]');
  });

  it('matches the RFC 8785 §3.2.2 sample', () => {
    const input = { numbers: [rfcThird, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
    expect(canonicalize(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('rejects what JCS forbids', () => {
    expect(() => canonicalize(Number.NaN)).toThrow();
    expect(() => canonicalize({ a: Infinity })).toThrow();
    expect(() => canonicalize('\ud800')).toThrow();
    expect(() => canonicalize(10n)).toThrow();
    expect(() => canonicalize(new Date(0))).toThrow();
  });

  it('leaves out undefined properties and bounds depth', () => {
    expect(canonicalize({ b: 1, a: undefined })).toBe('{"b":1}');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/deeply/);
  });
});
