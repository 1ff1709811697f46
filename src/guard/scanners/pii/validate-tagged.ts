/** @module Checks on tagger spans: shapes a PERSON or ADDRESS cannot have are dropped before they become findings. */
import { isDigit, isLetterAt } from './chars.js';
import { containsAny, windowBefore } from './context.js';
import type { Entity } from './entity.js';

const ZIP_WORDS = ['zip', 'postal', 'postcode', 'post code', 'plz'];

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
    case 'LOCATION':
    case 'ORGANIZATION':
    case 'NRP':
      return letters >= 2 && digits === 0;
    case 'ADDRESS':
      // Street addresses carry a number; a bare number is an address only as a zip code named as such.
      if (digits === 0) return false;
      if (letters === 0) return digits >= 4 && digits <= 10 && containsAny(windowBefore(text, e.start, 30), ZIP_WORDS);
      // A number and a word ("8080 now") is not yet an address: want a capitalised name or a longer phrase.
      return /\p{Lu}/u.test(text.slice(e.start, e.end)) || text.slice(e.start, e.end).split(/\s+/).length >= 3;
    case 'AGE':
      return digits >= 1 && digits <= 3;
    default:
      return letters + digits >= 1;
  }
}
