/** @module Checks on tagger spans: shapes a PERSON or ADDRESS cannot have are dropped before they become findings. */
import { isDigit, isLetterAt } from './chars.js';
import { containsAny, windowBefore } from './context.js';
import type { Entity } from './entity.js';

const ZIP_WORDS = ['zip', 'postal', 'postcode', 'post code', 'plz'];

/**
 * Place names the tagger, having seen them capitalised where names stand, takes for people ("the capital of
 * France"). A person's name is never only one of these.
 */
const PLACES: ReadonlySet<string> = new Set([
  'africa', 'america', 'antarctica', 'asia', 'australia', 'europe', 'argentina', 'austria', 'belgium', 'brazil',
  'bulgaria', 'canada', 'chile', 'china', 'colombia', 'croatia', 'cuba', 'cyprus', 'denmark', 'egypt', 'england',
  'estonia', 'finland', 'france', 'germany', 'greece', 'hungary', 'iceland', 'india', 'indonesia', 'iran', 'iraq',
  'ireland', 'israel', 'italy', 'japan', 'kenya', 'korea', 'latvia', 'lithuania', 'luxembourg', 'mexico',
  'morocco', 'netherlands', 'nigeria', 'norway', 'pakistan', 'peru', 'poland', 'portugal', 'romania', 'russia',
  'scotland', 'serbia', 'singapore', 'slovakia', 'slovenia', 'spain', 'sweden', 'switzerland', 'syria', 'taiwan',
  'thailand', 'turkey', 'ukraine', 'vietnam', 'wales', 'paris', 'london', 'berlin', 'madrid', 'rome', 'tokyo',
  'beijing', 'moscow', 'vienna', 'amsterdam', 'brussels', 'lisbon', 'prague', 'warsaw', 'dublin', 'athens',
]);

/** Latin letters (with accents), and the marks names carry: the tagger learned names only in Latin script. */
function latinName(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const latin = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
    if (!latin && c !== 0x20 && c !== 0x2d && c !== 0x27 && c !== 0x2e && c !== 0x2019) return false;
  }
  return true;
}

export function validTagged(text: string, e: Entity): boolean {
  let letters = 0;
  let digits = 0;
  for (let i = e.start; i < e.end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isLetterAt(text, i)) letters++;
  }
  switch (e.type) {
    case 'PERSON':
      return letters >= 2 && digits === 0 && latinName(text, e.start, e.end) && !PLACES.has(text.slice(e.start, e.end).toLowerCase());
    case 'LOCATION':
    case 'ORGANIZATION':
    case 'NRP':
      return letters >= 2 && digits === 0;
    case 'ADDRESS':
      // Street addresses carry a number; a bare number is an address only as a zip code named as such.
      if (digits === 0) return false;
      if (letters === 0) return digits >= 3 && digits <= 10 && containsAny(windowBefore(text, e.start, 30), ZIP_WORDS);
      // A number and a word ("8080 now") is not yet an address: want a capitalised name or a longer phrase.
      return /\p{Lu}/u.test(text.slice(e.start, e.end)) || text.slice(e.start, e.end).split(/\s+/).length >= 3;
    case 'AGE':
      return digits >= 1 && digits <= 3;
    default:
      return letters + digits >= 1;
  }
}
