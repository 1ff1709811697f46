import { describe, expect, it } from 'vitest';
import { augmentPiiRows, type AugRow } from '../../scripts/eval/pii-augment.js';
import { mulberry32 } from '../../scripts/eval/prng.js';

/** Made-up rows; offsets computed from the text so the fixture cannot drift. */
function row(text: string, spans: [string, string][]): AugRow {
  return { text, spans: spans.map(([s, type]) => ({ type, start: text.indexOf(s), end: text.indexOf(s) + s.length })) };
}

const ROWS: AugRow[] = [
  row('Please call Odile Varrnet about the invoice.', [['Odile Varrnet', 'PERSON']]),
  row('Ship it to Bram Quillen, 17 Larkspur Road, Fenwick.', [['Bram Quillen', 'PERSON'], ['17 Larkspur Road', 'ADDRESS'], ['Fenwick', 'LOCATION']]),
  row('Notes from Tamsin Odell Brack and Corwin Hale, 2 Ashby Lane.', [['Tamsin Odell Brack', 'PERSON'], ['Corwin Hale', 'PERSON'], ['2 Ashby Lane', 'ADDRESS']]),
  row('Yusra wrote on 3 May.', [['Yusra', 'PERSON'], ['3 May', 'DATE_TIME']]),
];

describe('pii training augmentation', () => {
  it('is deterministic for a seed', () => {
    const a = augmentPiiRows(ROWS, mulberry32(7), { personRate: 1, addressRate: 1 });
    const b = augmentPiiRows(ROWS, mulberry32(7), { personRate: 1, addressRate: 1 });
    expect(a).toEqual(b);
    expect(a.length).toBe(ROWS.length);
  });

  it('keeps every span on its text: untouched spans move, rewritten spans hold the new name or street', () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const { from, row: out } of augmentPiiRows(ROWS, mulberry32(seed), { personRate: 1, addressRate: 1 })) {
        const src = ROWS[from] as AugRow;
        expect(out.spans.length).toBe(src.spans.length);
        out.spans.forEach((sp, k) => {
          const old = src.spans[k];
          const text = out.text.slice(sp.start, sp.end);
          expect(sp.type).toBe(old?.type);
          if (sp.type === 'LOCATION' || sp.type === 'DATE_TIME') expect(text).toBe(src.text.slice(old?.start, old?.end));
          // Names and streets are rebuilt from the rows' own name words and numbers.
          if (sp.type === 'PERSON') expect(text).toMatch(/^[\p{L}' -]+$/u);
          if (sp.type === 'ADDRESS') expect(text).toMatch(/\d/);
          expect(text).toBe(text.trim());
        });
      }
    }
  });

  it('rewrites into the shapes it is for', () => {
    const names = new Set<string>();
    const streets = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      for (const { row: out } of augmentPiiRows(ROWS, mulberry32(seed), { personRate: 1, addressRate: 1 })) {
        for (const sp of out.spans) (sp.type === 'PERSON' ? names : sp.type === 'ADDRESS' ? streets : new Set()).add(out.text.slice(sp.start, sp.end));
      }
    }
    const all = [...names];
    expect(all.some((n) => /^\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+-\p{Lu}\p{Ll}+$/u.test(n))).toBe(true); // double surname
    expect(all.some((n) => /^\p{Lu}\p{Ll}+-\p{Ll}+ \p{Lu}/u.test(n))).toBe(true); // Ji-hoon style given name
    expect(all.some((n) => / (?:van|de|von|da|Di) /.test(n))).toBe(true); // particle
    expect(all.some((n) => /\b(?:O'|Al-|El-|D')\p{Lu}/u.test(n))).toBe(true); // glued particle
    expect([...streets].some((s) => /^\p{L}+\.? .*\d+(?:\/\d+)?$|^\p{Lu}\p{Ll}+\S* \d+/u.test(s) && !/^\d/.test(s))).toBe(true); // name then number
  });

  it('adds nothing at rate zero', () => {
    expect(augmentPiiRows(ROWS, mulberry32(1), { personRate: 0, addressRate: 0 })).toEqual([]);
  });
});
