/** @module Homoglyph skeleton map: Cyrillic/Greek/IPA look-alikes of Latin letters that NFKC leaves alone. */

/**
 * Only letters an attacker can swap in for Latin ones without a reader noticing; a full UTS #39 table would
 * be larger than the model. Keys are code units, values are the Latin lower-case letter.
 */
const PAIRS: readonly (readonly [string, string])[] = [
  ['а', 'a'], ['в', 'b'], ['е', 'e'], ['ё', 'e'], ['к', 'k'], ['м', 'm'], ['н', 'h'], ['о', 'o'], ['р', 'p'],
  ['с', 'c'], ['т', 't'], ['у', 'y'], ['х', 'x'], ['ѕ', 's'], ['і', 'i'], ['ї', 'i'], ['ј', 'j'], ['ԁ', 'd'],
  ['ԛ', 'q'], ['ԝ', 'w'], ['һ', 'h'], ['ӏ', 'l'], ['ɡ', 'g'], ['ɑ', 'a'], ['ı', 'i'], ['ȷ', 'j'], ['ʏ', 'y'],
  ['α', 'a'], ['β', 'b'], ['ε', 'e'], ['η', 'n'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'], ['ο', 'o'], ['ρ', 'p'],
  ['τ', 't'], ['υ', 'u'], ['χ', 'x'], ['ω', 'w'], ['ϲ', 'c'], ['ϳ', 'j'], ['ᴀ', 'a'], ['ᴄ', 'c'], ['ᴅ', 'd'],
  ['ᴇ', 'e'], ['ᴊ', 'j'], ['ᴋ', 'k'], ['ᴍ', 'm'], ['ᴏ', 'o'], ['ᴘ', 'p'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'],
  ['ᴡ', 'w'], ['ᴢ', 'z'],
];

/** Builds the lookup table once per caller (no module-level state is mutated). */
export function buildConfusableTable(): ReadonlyMap<number, number> {
  const m = new Map<number, number>();
  for (const [from, to] of PAIRS) m.set(from.charCodeAt(0), to.charCodeAt(0));
  return m;
}
