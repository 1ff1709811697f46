/** @module detectEntities: all PII recognisers plus the trained tagger, resolved into non-overlapping entities. */
import { checkDeadline, deadlineAt, type DeadlineClock, deadlineFor } from '../../types.js';
import { findDriverLicenses } from './driver-license.js';
import { findEmails } from './email.js';
import { PII_TYPES, type Entity, type PiiType } from './entity.js';
import { findIbans } from './iban.js';
import { loadLexicon } from './lexicon.js';
import { findNetwork } from './network.js';
import { findNumbers, type NumberScratch, numberScratch } from './numbers.js';
import { findTrailingPostcodes } from './postcode.js';
import { KIND, resolveSpans, SpanList } from './spans.js';
import { type ClassSpans, tagEntities, taggerScratch, type TaggerScratch } from './tagger.js';
import { STRUCT_CLASSES } from './tagger-features.js';
import { decodeModel } from './tagger-model.js';
import { TAGGER_BITS, TAGGER_WEIGHTS } from './tagger-weights.js';
import { findUrls } from './url.js';
import { validTagged } from './validate-tagged.js';

export type { Entity, PiiType } from './entity.js';
export { SpanList } from './spans.js';

/** UTF-16 offsets, end exclusive, non-overlapping, sorted by start. `types` limits what is returned. */
export type PiiDetector = (text: string, types?: ReadonlySet<PiiType>) => Entity[];

/** Types written with capitals in ordinary text. */
const NAME_TYPES: ReadonlySet<string> = new Set(['PERSON', 'LOCATION', 'ORGANIZATION', 'NRP']);

/** Decoded once per process: a pure function of committed data, no I/O. */
const MODEL = decodeModel(TAGGER_BITS, TAGGER_WEIGHTS);
const LEXICON = loadLexicon();

/** Tagger class (1 + STRUCT_CLASSES index, 0 for none) per span kind. */
const KIND_CLASS = Uint8Array.from(PII_TYPES, (t) => STRUCT_CLASSES.indexOf(t as (typeof STRUCT_CLASSES)[number]) + 1);

/** Whether text[start, end) holds an upper-case letter (`\p{Lu}`): ASCII is tested in place, the rest by the regex. */
function hasUpper(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
    if (c >= 128) return /\p{Lu}/u.test(text.slice(i, end));
  }
  return false;
}

/** The resolved spans as the tagger reads them; the class array comes from `w` and is reused. */
/** What may stand between two parts of one name: an apostrophe or hyphen, or a particle with one ("O'", " Al-", " d'"). */
const NAME_JOINT = /^(?:['\u2019-]|\s{1,2}\p{L}{1,3}['\u2019-])$/u;
/** Legal forms that end a company's name. */
const CORPORATE_TAIL = /(?:^|\s)(?:corporation|corp\.?|inc\.?|incorporated|ltd\.?|limited|llc|plc|gmbh|ag|s\.a\.|company|co\.)$/i;
/** A surname that opens with such a particle ("Al-Hakimi", "O'Neill"), tagged apart from the given name before it. */
const PARTICLE_HEAD = /^\p{L}{1,3}['\u2019-]\p{Lu}/u;

/**
 * Repairs, in place, what the tagger gets wrong about names: a PERSON ending in a legal form becomes an
 * ORGANIZATION, and name parts it split at an apostrophe or a hyphen are merged ("Sarah O" + "Connor-Smith",
 * "Fatima" + "Sayed" around "Al-", "Samira" + "Al-Hakimi"): two PERSON or ORGANIZATION spans with such a joint
 * between them, or a PERSON and a particle surname a space apart, at least one a PERSON, are one PERSON. `tagged`
 * is in text order.
 */
function repairNameSpans(text: string, tagged: Entity[]): void {
  let out = 0;
  for (let i = 0; i < tagged.length; i++) {
    let e = tagged[i] as Entity;
    // A company's legal form makes the span an organisation whatever the tagger said ("Globex Corporation").
    if (e.type === 'PERSON' && CORPORATE_TAIL.test(text.slice(Math.max(e.start, e.end - 12), e.end))) e = { ...e, type: 'ORGANIZATION' };
    const prev = out > 0 ? (tagged[out - 1] as Entity) : undefined;
    if (
      prev !== undefined &&
      (prev.type === 'PERSON' || prev.type === 'ORGANIZATION') &&
      (e.type === 'PERSON' || e.type === 'ORGANIZATION') &&
      (prev.type === 'PERSON' || e.type === 'PERSON') &&
      e.start > prev.end &&
      e.start - prev.end <= 6 &&
      (NAME_JOINT.test(text.slice(prev.end, e.start)) ||
        (prev.type === 'PERSON' && e.start - prev.end <= 2 && /^\s+$/.test(text.slice(prev.end, e.start)) && PARTICLE_HEAD.test(text.slice(e.start, e.start + 5))))
    ) {
      tagged[out - 1] = { type: 'PERSON', start: prev.start, end: e.end, score: Math.min(prev.score, e.score) };
      continue;
    }
    // A one-word "organisation" right before a person is the person's given name ("Kwame" + "Mensah").
    if (
      prev !== undefined &&
      prev.type === 'ORGANIZATION' &&
      e.type === 'PERSON' &&
      e.start - prev.end === 1 &&
      text.charCodeAt(prev.end) === 32 &&
      !/[\s-]/.test(text.slice(prev.start, prev.end)) &&
      !CORPORATE_TAIL.test(text.slice(prev.start, prev.end))
    ) {
      tagged[out - 1] = { type: 'PERSON', start: prev.start, end: e.end, score: Math.min(prev.score, e.score) };
      continue;
    }
    tagged[out++] = e;
  }
  tagged.length = out;
}

function classSpansOf(l: SpanList, w: Work): ClassSpans {
  if (w.cls.length < l.count) w.cls = new Uint8Array(l.count + (l.count >> 1));
  const cls = w.cls;
  for (let i = 0; i < l.count; i++) cls[i] = KIND_CLASS[l.kind[i] as number] as number;
  return { count: l.count, start: l.start, end: l.end, cls };
}

/** Span lists one detection fills; a detector keeps one set, so a scan of a large text allocates no span arrays. */
type Work = {
  readonly structured: SpanList;
  readonly resolved: SpanList;
  readonly merged: SpanList;
  cls: Uint8Array;
  readonly numbers: NumberScratch;
};

function work(): Work {
  return { structured: new SpanList(), resolved: new SpanList(), merged: new SpanList(), cls: new Uint8Array(64), numbers: numberScratch() };
}

/**
 * Detection into a span list (one of `w`'s, valid until the next call with `w`): no object per structured value
 * (see spans.ts); `types` limits what is kept. Throws ScanTimeoutError once `clock.deadline` has passed (checked
 * between passes and inside the long ones, only for a text of at least DEADLINE_STRIDE code units).
 */
function detectSpans(text: string, types: ReadonlySet<PiiType> | undefined, scratch: TaggerScratch | undefined, w: Work, clock?: DeadlineClock): SpanList {
  const dl = deadlineFor(clock, text.length);
  const structured = w.structured;
  structured.clear();
  // A clock read between recognisers: on a text where one finds nothing it runs without reading it (a search for
  // its anchor over the whole text, a few milliseconds at 4 MiB).
  checkDeadline(dl);
  findEmails(text, structured, dl);
  checkDeadline(dl);
  findUrls(text, structured, dl);
  checkDeadline(dl);
  findNetwork(text, structured, dl);
  checkDeadline(dl);
  findIbans(text, structured, dl);
  checkDeadline(dl);
  findNumbers(text, structured, w.numbers, dl);
  checkDeadline(dl);
  findDriverLicenses(text, structured, dl);
  checkDeadline(dl);
  const resolvedStructured = resolveSpans(structured, w.resolved, dl);
  checkDeadline(dl);
  const tagged: Entity[] = [];
  tagEntities(MODEL, LEXICON, text, classSpansOf(resolvedStructured, w), tagged, scratch, dl);
  checkDeadline(dl);
  // In text that uses capitals, a name written all lower-case ("serve vegan stuff") is a common word; all-lower-case
  // text (chat style) keeps lower-case names.
  const capitalised = tagged.length > 0 && /[A-Z]/.test(text);
  let resolved = resolvedStructured;
  if (tagged.length > 0) repairNameSpans(text, tagged);
  if (tagged.length > 0) {
    let check = 0;
    for (let i = 0; i < tagged.length; i++) {
      if (i >= check) check = deadlineAt(dl, i);
      const e = tagged[i] as Entity;
      if (capitalised && NAME_TYPES.has(e.type) && !hasUpper(text, e.start, e.end)) continue;
      if (validTagged(text, e)) resolvedStructured.add(KIND[e.type], e.start, e.end, e.score);
    }
    resolved = resolveSpans(resolvedStructured, w.merged, dl);
    if (findTrailingPostcodes(text, resolved, resolvedStructured, dl) > 0) resolved = resolveSpans(resolvedStructured, w.merged, dl);
  }
  if (types === undefined) return resolved;
  // In place (the list is this detection's own): a copy was a third list grown to the size of the others, 17 MB of
  // fresh arrays for 4 MiB of addresses.
  let kept = 0;
  let check = 0;
  for (let i = 0; i < resolved.count; i++) {
    if (i >= check) check = deadlineAt(dl, i);
    if (!types.has(resolved.typeAt(i))) continue;
    if (kept !== i) resolved.move(i, kept);
    kept++;
  }
  resolved.count = kept;
  return resolved;
}

function entities(l: SpanList): Entity[] {
  const out = new Array<Entity>(l.count);
  for (let i = 0; i < l.count; i++) out[i] = l.entity(i);
  return out;
}

/**
 * A detector that keeps its tagging arrays between calls (about 200 KB, allocated on first use): what a scanner
 * instance holds, so a scan allocates no per-call work arrays. Calls must not overlap, which synchronous calls
 * cannot.
 */
export function createPiiDetector(): PiiDetector {
  const spans = createPiiSpanDetector();
  return (text, types) => {
    const out = entities(spans.detect(text, types));
    spans.done();
    return out;
  };
}

/**
 * Span lists larger than this are not kept between scans (see SpanList.release): up to it (a few MB) a detector keeps
 * its arrays, since growing them anew for every large text cost a fifth of a dense 4 MiB scan.
 */
const KEEP_SPANS = 1 << 18;

export type PiiSpanDetector = {
  /** The spans of `text`, valid until `done()` or the next call; `clock`: a deadline, see detectSpans. */
  readonly detect: (text: string, types?: ReadonlySet<PiiType>, clock?: DeadlineClock) => SpanList;
  /** Lets go of span arrays a large text needed. */
  readonly done: () => void;
};

/** `createPiiDetector` returning the span list itself, for the scanner (findings and redaction straight from it). */
export function createPiiSpanDetector(): PiiSpanDetector {
  let scratch: TaggerScratch | undefined;
  let w: Work | undefined;
  return {
    detect: (text, types, clock) => detectSpans(text, types, (scratch ??= taggerScratch()), (w ??= work()), clock),
    done: () => {
      if (w === undefined) return;
      w.structured.release(KEEP_SPANS);
      w.resolved.release(KEEP_SPANS);
      w.merged.release(KEEP_SPANS);
      if (w.cls.length > KEEP_SPANS) w.cls = new Uint8Array(64);
    },
  };
}

/** One-off detection (evaluation, tests, the pseudonymiser): work arrays sized to this text. */
export function detectEntities(text: string, types?: ReadonlySet<PiiType>): Entity[] {
  return entities(detectSpans(text, types, undefined, work()));
}
