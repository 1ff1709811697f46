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
  'afghanistan', 'albania', 'algeria', 'andorra', 'angola', 'armenia', 'azerbaijan', 'bahamas', 'bahrain',
  'bangladesh', 'barbados', 'belarus', 'belize', 'benin', 'bhutan', 'bolivia', 'bosnia', 'herzegovina', 'botswana',
  'brunei', 'burundi', 'cambodia', 'cameroon', 'chad', 'comoros', 'congo', 'djibouti', 'dominica', 'ecuador',
  'eritrea', 'eswatini', 'ethiopia', 'fiji', 'gabon', 'gambia', 'georgia', 'ghana', 'grenada', 'guatemala', 'guinea',
  'guyana', 'haiti', 'honduras', 'jamaica', 'jordan', 'kazakhstan', 'kiribati', 'kosovo', 'kuwait', 'kyrgyzstan',
  'laos', 'lebanon', 'lesotho', 'liberia', 'libya', 'liechtenstein', 'madagascar', 'malawi', 'malaysia', 'maldives',
  'mali', 'malta', 'mauritania', 'mauritius', 'micronesia', 'moldova', 'monaco', 'mongolia', 'montenegro',
  'mozambique', 'myanmar', 'namibia', 'nauru', 'nepal', 'nicaragua', 'niger', 'oman', 'palau', 'palestine', 'panama',
  'paraguay', 'philippines', 'qatar', 'rwanda', 'samoa', 'senegal', 'seychelles', 'somalia', 'sudan', 'suriname',
  'tajikistan', 'tanzania', 'togo', 'tonga', 'tunisia', 'turkmenistan', 'tuvalu', 'uganda', 'uruguay', 'uzbekistan',
  'vanuatu', 'venezuela', 'yemen', 'zambia', 'zimbabwe',
  // US states whose names are not also given names (not Virginia, Washington).
  'alabama', 'alaska', 'arizona', 'arkansas', 'california', 'colorado', 'connecticut', 'delaware', 'florida', 'hawaii',
  'idaho', 'illinois', 'indiana', 'iowa', 'kansas', 'kentucky', 'louisiana', 'maine', 'maryland', 'massachusetts',
  'michigan', 'minnesota', 'mississippi', 'missouri', 'montana', 'nebraska', 'nevada', 'new hampshire', 'new jersey',
  'new mexico', 'new york', 'north carolina', 'north dakota', 'ohio', 'oklahoma', 'oregon', 'pennsylvania',
  'rhode island', 'south carolina', 'south dakota', 'tennessee', 'texas', 'utah', 'vermont',
  'west virginia', 'wisconsin', 'wyoming',
]);

/** Day and month abbreviations, which head dates and mail headers ("Date: Tue, 12 Jul"). Full names like May are names too. */
const CALENDAR: ReadonlySet<string> = new Set([
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  // Week days in full ("seen on Tuesday"): unlike April or June, not given names.
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
]);

/** Street words: a name that ends in one ("Hauptstraße") or follows one ("ul. Marszałkowska", "rue Lepic") is a street. */
const STREET_SUFFIX = /(?:straße|strasse|str\.|gasse|allee|platz|weg|damm|ufer)$/;
const STREET_BEFORE = /(?:^|[^\p{L}])(?:ul\.|ulica|al\.|aleja|rue|via|viale|calle|avenida|av\.|rua|carrer|straat)\s+$/u;

/** A date written with a month name ("12 March 2024", "March 12, 2024"): not an address. */
const WORD_DATE =
  /(?<!\p{L})(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)(?!\d)/iu;

/** A numeric date with a four-digit year (03/14/1987, 14.03.1987): an address holds house and flat numbers, not dates. */
const NUMERIC_DATE = /(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d(?!\d)/;

/** Characters that glue a span to code or encoded data (`}Axw;`, `%Efq@`): a name stands between words. */
function isGlue(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 125 || c === 123 || c === 59 || c === 37 ||
    c === 36 || c === 64 || c === 124 || c === 61 || c === 96 || c === 94 || c === 35 || c === 126 || c === 42 || c === 95;
}

/**
 * A name-like span that is part of a longer token: glued to code or encoded data on either side, or the head of a
 * hyphenated identifier (`ConvertTo-SecureString`, `AIzaGiReoG-Cr0ckle…`).
 */
function insideToken(text: string, start: number, end: number): boolean {
  if (start > 0 && isGlue(text.charCodeAt(start - 1))) return true;
  const after = text.charCodeAt(end);
  if (isGlue(after)) return true;
  if (after === 45) {
    const next = text.charCodeAt(end + 1);
    return (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
  }
  return false;
}

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
    case 'PERSON': {
      if (letters < 2 || digits > 0 || !latinName(text, e.start, e.end) || insideToken(text, e.start, e.end)) return false;
      const lower = text.slice(e.start, e.end).toLowerCase();
      if (STREET_SUFFIX.test(lower) || STREET_BEFORE.test(windowBefore(text, e.start, 10))) return false;
      return !PLACES.has(lower) && !CALENDAR.has(lower);
    }
    case 'LOCATION':
    case 'ORGANIZATION':
    case 'NRP':
      return letters >= 2 && digits === 0 && !insideToken(text, e.start, e.end) && !CALENDAR.has(text.slice(e.start, e.end).toLowerCase());
    case 'ADDRESS':
      // Street addresses carry a number; a bare number is an address only as a zip code named as such.
      if (digits === 0 || NUMERIC_DATE.test(text.slice(e.start, e.end)) || WORD_DATE.test(text.slice(e.start, e.end))) return false;
      if (letters === 0) return digits >= 3 && digits <= 10 && containsAny(windowBefore(text, e.start, 30), ZIP_WORDS);
      // A number and a word ("8080 now") is not yet an address: want a capitalised name or a longer phrase.
      return /\p{Lu}/u.test(text.slice(e.start, e.end)) || text.slice(e.start, e.end).split(/\s+/).length >= 3;
    case 'AGE':
      return digits >= 1 && digits <= 3;
    default:
      return letters + digits >= 1;
  }
}
