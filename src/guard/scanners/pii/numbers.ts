/** @module Digit-group recognisers (credit card, US SSN, phone): one left-to-right pass, bounded chunks, validation. */
import { boundaryAfter, boundaryBefore, isDigit } from './chars.js';
import { containsAny, windowAfter, windowBefore } from './context.js';
import { luhnValid, ssnValid } from './checksums.js';
import type { Entity } from './entity.js';

const MAX_CHUNK = 40;
const PHONE_BEFORE = ['phone', 'tel', 'call', 'mobile', 'cell', 'fax', 'contact', 'reach', 'number', 'whatsapp', 'sms', 'text me', 'dial', 'registered', 'office', 'landline', 'ring'];
const PHONE_AFTER = ['office', 'fax', 'mobile', 'cell', 'home', 'work', 'phone', '(o)', '(m)', '(h)'];
const CARD_WORDS = ['card', 'visa', 'mastercard', 'amex', 'credit', 'debit', 'cc', 'pan'];
const SSN_WORDS = ['ssn', 'social security', 'social sec', 'ss#', 'ss #'];

type Chunk = {
  start: number;
  end: number;
  digits: string;
  groups: number[];
  seps: string;
  plus: boolean;
  paren: boolean;
  ext: boolean;
};

function isSep(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47;
}

/** Reads digit groups joined by short separator runs from `i`; returns undefined (and the end) when too long. */
function readChunk(text: string, i: number): { chunk: Chunk | undefined; next: number } {
  const n = text.length;
  let s = i;
  let plus = false;
  let paren = false;
  if (s > 0 && text.charCodeAt(s - 1) === 40) {
    s--;
    paren = true;
  }
  if (s > 0 && text.charCodeAt(s - 1) === 43) {
    s--;
    plus = true;
  }
  let digits = '';
  const groups: number[] = [];
  let seps = '';
  let ext = false;
  let p = i;
  let tooLong = false;
  for (;;) {
    const g = p;
    while (p < n && isDigit(text.charCodeAt(p))) p++;
    groups.push(p - g);
    digits += text.slice(g, p);
    if (p - s > MAX_CHUNK) {
      tooLong = true;
      break;
    }
    // Separator run of at most two characters, with at most one space, followed by a digit or '('.
    let q = p;
    let spaces = 0;
    while (q < n && q - p < 2 && isSep(text.charCodeAt(q))) {
      if (text.charCodeAt(q) === 32) spaces++;
      q++;
    }
    if (q > p && spaces <= 1 && q < n && (isDigit(text.charCodeAt(q)) || (text.charCodeAt(q) === 40 && isDigit(text.charCodeAt(q + 1))))) {
      const sep = text.slice(p, q);
      if (sep.includes('(') || sep.includes(')')) paren = true;
      seps += sep;
      p = q;
      if (text.charCodeAt(p) === 40) p++;
      continue;
    }
    // Extension: x123 or ext. 123
    if (p < n && (text.charCodeAt(p) === 120 || text.charCodeAt(p) === 88) && isDigit(text.charCodeAt(p + 1))) {
      let x = p + 1;
      while (x < n && x - p <= 6 && isDigit(text.charCodeAt(x))) x++;
      if (boundaryAfter(text, x)) {
        ext = true;
        p = x;
      }
    }
    break;
  }
  if (tooLong) {
    // Skip the whole run so a long digit string is examined once.
    while (p < n && (isDigit(text.charCodeAt(p)) || isSep(text.charCodeAt(p)))) p++;
    return { chunk: undefined, next: p };
  }
  if (paren && text.charCodeAt(p) === 41) p++;
  return { chunk: { start: s, end: p, digits, groups, seps, plus, paren, ext }, next: p };
}

function sameSeps(seps: string, allowed: string): boolean {
  for (let i = 0; i < seps.length; i++) if (!allowed.includes(seps.charAt(i))) return false;
  return true;
}

function isDateLike(c: Chunk): boolean {
  const g = c.groups;
  if (c.seps.includes('/')) return true;
  if (g.length === 3 && !c.plus && !c.paren) {
    if (g[0] === 4 && g[1] === 2 && g[2] === 2) return true;
    if ((g[0] ?? 0) <= 2 && (g[1] ?? 0) <= 2 && g[2] === 4) return true;
  }
  return false;
}

/** Day, month and year ranges of a numeric date in y-m-d, m/d/y or d.m.y order. */
function validDate(c: Chunk): boolean {
  const g = c.groups;
  if (g.length !== 3) return false;
  const parts: number[] = [];
  let p = 0;
  for (const len of g) {
    parts.push(Number(c.digits.slice(p, p + len)));
    p += len;
  }
  const [a = 0, b = 0, y = 0] = g[0] === 4 ? [parts[1] ?? 0, parts[2] ?? 0, parts[0] ?? 0] : parts;
  const dayMonth = (a >= 1 && a <= 12 && b >= 1 && b <= 31) || (b >= 1 && b <= 12 && a >= 1 && a <= 31);
  const year = g[0] === 4 || g[2] === 4 ? y >= 1000 && y <= 2999 : true;
  return dayMonth && year;
}

function classify(text: string, c: Chunk, out: Entity[]): void {
  const d = c.digits;
  const g = c.groups;
  if (d.length < 7) {
    // Too short for an SSN, a card or a phone (the checks below need 7+ digits; a dotted quad is never date-like):
    // only a date remains, and no context window is needed. Most numbers in prose end here.
    if (isDateLike(c) && validDate(c)) out.push({ type: 'DATE_TIME', start: c.start, end: c.end, score: 0.6 });
    return;
  }
  const before = windowBefore(text, c.start, 40);
  if (!c.plus && !c.paren && !c.ext && g.length === 3 && g[0] === 3 && g[1] === 2 && g[2] === 4 && (c.seps === '--' || c.seps === '  ')) {
    const ok = ssnValid(Number(d.slice(0, 3)), Number(d.slice(3, 5)), Number(d.slice(5)));
    if (ok) out.push({ type: 'US_SSN', start: c.start, end: c.end, score: containsAny(before, SSN_WORDS) ? 0.95 : 0.85 });
    return;
  }
  if (!c.plus && !c.paren && !c.ext && d.length === 9 && g.length === 1 && containsAny(before, SSN_WORDS)) {
    if (ssnValid(Number(d.slice(0, 3)), Number(d.slice(3, 5)), Number(d.slice(5)))) out.push({ type: 'US_SSN', start: c.start, end: c.end, score: 0.8 });
    return;
  }
  // A dotted quad is an IPv4 address (or nothing); the IP recogniser owns it.
  if (g.length === 4 && c.seps === '...' && g.every((x) => x <= 3)) return;
  if (isDateLike(c)) {
    if (validDate(c)) out.push({ type: 'DATE_TIME', start: c.start, end: c.end, score: 0.6 });
    return;
  }
  const cardContext = containsAny(before, CARD_WORDS);
  if (!c.plus && !c.paren && !c.ext && sameSeps(c.seps, ' -') && d.length >= 12 && d.length <= 19 && luhnValid(d)) {
    const first = d.charCodeAt(0) - 48;
    const iin = first >= 2 && first <= 6;
    if ((d.length >= 13 && iin) || cardContext) {
      out.push({ type: 'CREDIT_CARD', start: c.start, end: c.end, score: cardContext ? 0.95 : 0.85 });
      return;
    }
  }
  const core = d.length;
  if (core < 7 || core > 15 + (c.ext ? 6 : 0)) return;
  const phoneContext = containsAny(before, PHONE_BEFORE) || containsAny(windowAfter(text, c.end, 12), PHONE_AFTER);
  const nanp = g.length >= 3 && sameSeps(c.seps, '-.') && g[g.length - 1] === 4 && g[g.length - 2] === 3 && (g[g.length - 3] ?? 0) === 3;
  const strong = c.plus || c.paren || c.ext || nanp;
  if (strong || (phoneContext && (g.length >= 2 || core >= 10)) || (g.length >= 3 && sameSeps(c.seps, '-.') && core >= 8 && !cardContext)) {
    out.push({ type: 'PHONE', start: c.start, end: c.end, score: phoneContext ? 0.9 : strong ? 0.75 : 0.6 });
  }
}

export function findNumbers(text: string, out: Entity[]): void {
  const n = text.length;
  // The regex engine finds the next digit several times faster than a charCodeAt loop; prose has few digits.
  const digit = /[0-9]/g;
  let i = 0;
  while (i < n) {
    digit.lastIndex = i;
    if (!digit.test(text)) return;
    i = digit.lastIndex - 1;
    if (!boundaryBefore(text, i)) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      continue;
    }
    const { chunk, next } = readChunk(text, i);
    i = Math.max(next, i + 1);
    if (chunk === undefined || !boundaryAfter(text, chunk.end)) continue;
    classify(text, chunk, out);
  }
}
