/**
 * @module Training-time augmentation for the PII tagger: copies of training rows whose gold PERSON and ADDRESS spans
 * are rewritten into name and street shapes the data has few of (hyphenated and particle surnames, hyphenated given
 * names, family-name-first order, titles; street name then number). Every new name is built from name words found
 * in the rows' own gold spans, so no name is written here; the same rows and seed give the same copies.
 */

export type AugSpan = { start: number; end: number; type: string };
/** Offsets in UTF-16 units. */
export type AugRow = { text: string; spans: AugSpan[] };

export type AugmentOptions = {
  /** Fraction of rows with a rewritable PERSON span that get one rewritten copy. */
  readonly personRate: number;
  /** Fraction of rows with a rewritable ADDRESS span that get one rewritten copy. */
  readonly addressRate: number;
};

type Pools = { readonly given: readonly string[]; readonly family: readonly string[] };

const NAME_WORD = /^\p{Lu}\p{Ll}{2,}$/u;
/** Surname particles written before the surname (with a space) or glued to it. */
const SPACED_PARTICLES = ['van der', 'de la', 'van', 'de', 'Di', 'da', 'von', 'bin', 'ibn', 'del', 'dos', 'ter'];
const GLUED_PARTICLES = ["O'", 'Al-', 'El-', "D'", 'Mac'];
const TITLES = ['Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Mr', 'Mrs', 'Prof.'];
/** Street words of a number-first gold address ("12 Baker Street"). */
const STREET_TYPE =
  /^(\d{1,5}[A-Za-z]?) ((?:\p{Lu}\p{Ll}+ ){0,2}\p{Lu}\p{Ll}+) (Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Way|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Place|Pl\.?|Boulevard|Blvd\.?|Close|Crescent|Terrace|Grove|Parade|Square|Circle|Row|Hill|Gardens)\b/u;
/** Glued street suffixes of several languages ("Lindenstraße", "Storgatan") and spaced street prefixes. */
const STREET_SUFFIXES = ['straße', 'strasse', 'str.', 'gatan', 'vägen', 'weg', 'straat', 'laan', 'gade', 'vej', 'veien', 'gata', 'tie', 'katu', 'gasse', 'platz', 'ring', 'allee'];
const STREET_PREFIXES = ['ul.', 'al.', 'ulica', 'rue', 'rue de la', 'avenue', 'via', 'viale', 'calle', 'avenida', 'rua', 'Rua', 'Via', 'Calle', 'Avenida', 'Rue', 'Ul.', 'plac', 'ulitsa', 'Carrer'];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

/** Given names (first words) and family names (last words) of the multi-word gold PERSON spans. */
export function namePools(rows: readonly AugRow[]): Pools {
  const given = new Set<string>();
  const family = new Set<string>();
  for (const row of rows) {
    for (const s of row.spans) {
      if (s.type !== 'PERSON') continue;
      const words = row.text.slice(s.start, s.end).split(' ');
      if (words.length < 2) continue;
      const first = words[0] ?? '';
      const last = words[words.length - 1] ?? '';
      if (NAME_WORD.test(first)) given.add(first);
      if (NAME_WORD.test(last)) family.add(last);
    }
  }
  return { given: [...given].sort(), family: [...family].sort() };
}

/** A short lower-case syllable cut from a pool name: the second half of "Ji-hoon", "Min-jun". */
function syllable(rand: () => number, pools: Pools): string {
  const w = pick(rand, pools.given).toLowerCase();
  const n = 2 + Math.floor(rand() * 3);
  return w.slice(0, n);
}

function hyphenGiven(rand: () => number, pools: Pools, given: string): string {
  return rand() < 0.5 ? `${given}-${pick(rand, pools.given)}` : `${given}-${syllable(rand, pools)}`;
}

function surname(rand: () => number, pools: Pools, family: string): string {
  const r = rand();
  if (r < 0.45) return `${family}-${pick(rand, pools.family)}`;
  if (r < 0.75) return `${pick(rand, SPACED_PARTICLES)} ${family}`;
  return `${pick(rand, GLUED_PARTICLES)}${family}`;
}

/**
 * A rewritten name for a gold PERSON text of one to three capitalised words, or undefined. At least one of: a
 * hyphenated given name, a double or particle surname, family-name-first order with a hyphenated given name.
 */
function rewriteName(rand: () => number, pools: Pools, name: string): string | undefined {
  const words = name.split(' ');
  if (words.length > 3 || !words.every((w) => NAME_WORD.test(w))) return undefined;
  const only = words[0] as string;
  if (words.length === 1) return rand() < 0.5 ? hyphenGiven(rand, pools, only) : surname(rand, pools, only);
  const given = words[0] as string;
  const family = words[words.length - 1] as string;
  const middle = words.length === 3 ? `${words[1]} ` : '';
  const r = rand();
  if (r < 0.4) return `${given} ${middle}${surname(rand, pools, family)}`;
  if (r < 0.65) return `${hyphenGiven(rand, pools, given)} ${middle}${family}`;
  if (r < 0.8) return `${hyphenGiven(rand, pools, given)} ${middle}${surname(rand, pools, family)}`;
  // Family name first ("Park Ji-hoon"): the given name's second half is a short syllable.
  return `${family} ${given}-${syllable(rand, pools)}`;
}

/** A European street shape for a number-first gold address start, keeping the rest of the span. */
function rewriteStreet(rand: () => number, text: string): string | undefined {
  const m = STREET_TYPE.exec(text);
  if (m === null) return undefined;
  const num = m[1] as string;
  const name = m[2] as string;
  const rest = text.slice(m[0].length);
  const r = rand();
  const number = rand() < 0.2 ? `${num}/${1 + Math.floor(rand() * 120)}` : num;
  let street: string;
  // No bare "Name 12": a capitalised word and a number is as often "Sep 17" or "Python 3" as a street.
  if (r < 0.45) street = `${name.replace(/ /g, '')}${pick(rand, STREET_SUFFIXES)} ${number}`;
  else if (r < 0.85) street = `${pick(rand, STREET_PREFIXES)} ${name} ${number}`;
  else street = `${num} ${pick(rand, STREET_PREFIXES)} ${name}`;
  return street + rest;
}

/** Text before `at` ends a word a title could precede ("met ", "to "), and no title is there already. */
function titleFits(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 6), at);
  return /[\p{Ll},:] $/u.test(before) && !/\b(?:Mr|Mrs|Ms|Dr|Prof)\.? $/.test(before);
}

type Edit = { start: number; end: number; replacement: string; prefix: string };

/** Applies edits of whole spans; every other span lies wholly before or after each edit and only moves. */
function applyEdits(row: AugRow, edits: Edit[]): AugRow {
  edits.sort((a, b) => a.start - b.start);
  let text = '';
  let at = 0;
  for (const e of edits) {
    text += row.text.slice(at, e.start) + e.prefix + e.replacement;
    at = e.end;
  }
  text += row.text.slice(at);
  const growth = (e: Edit): number => e.prefix.length + e.replacement.length - (e.end - e.start);
  const moved = (x: number): number => edits.reduce((acc, e) => (e.end <= x ? acc + growth(e) : acc), x);
  const spans = row.spans.map((sp) => {
    const edit = edits.find((e) => e.start === sp.start && e.end === sp.end);
    if (edit === undefined) return { type: sp.type, start: moved(sp.start), end: moved(sp.end) };
    const start = moved(sp.start) + edit.prefix.length;
    return { type: sp.type, start, end: start + edit.replacement.length };
  });
  return { text, spans };
}

/**
 * Rewritten copies of some rows, each with the index of the row it was made from (the rows themselves are not
 * changed); deterministic for a given `rand`.
 */
export function augmentPiiRows(rows: readonly AugRow[], rand: () => number, opts: AugmentOptions): { from: number; row: AugRow }[] {
  const pools = namePools(rows);
  if (pools.given.length === 0 || pools.family.length === 0) return [];
  const out: { from: number; row: AugRow }[] = [];
  for (const [from, row] of rows.entries()) {
    const alone = (s: AugSpan): boolean => row.spans.every((o) => o === s || o.end <= s.start || o.start >= s.end);
    const persons = row.spans.filter((s) => s.type === 'PERSON' && alone(s));
    const streets = row.spans.filter((s) => s.type === 'ADDRESS' && alone(s) && STREET_TYPE.test(row.text.slice(s.start, s.end)));
    const doPerson = persons.length > 0 && rand() < opts.personRate;
    const doStreet = streets.length > 0 && rand() < opts.addressRate;
    const edits: Edit[] = [];
    if (doPerson) {
      for (const s of persons) {
        const replacement = rewriteName(rand, pools, row.text.slice(s.start, s.end));
        if (replacement === undefined) continue;
        const prefix = rand() < 0.2 && titleFits(row.text, s.start) ? `${pick(rand, TITLES)} ` : '';
        edits.push({ start: s.start, end: s.end, replacement, prefix });
      }
    }
    if (doStreet) {
      for (const s of streets) {
        const replacement = rewriteStreet(rand, row.text.slice(s.start, s.end));
        if (replacement !== undefined) edits.push({ start: s.start, end: s.end, replacement, prefix: '' });
      }
    }
    if (edits.length > 0) out.push({ from, row: applyEdits(row, edits) });
  }
  return out;
}
