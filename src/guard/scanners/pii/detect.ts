/** @module detectEntities: all PII recognisers plus the trained tagger, resolved into non-overlapping entities. */
import { findDriverLicenses } from './driver-license.js';
import { findEmails } from './email.js';
import type { Entity, PiiType } from './entity.js';
import { findIbans } from './iban.js';
import { loadLexicon } from './lexicon.js';
import { findNetwork } from './network.js';
import { findNumbers } from './numbers.js';
import { resolveOverlaps } from './resolve.js';
import { tagEntities, taggerScratch, type TaggerScratch } from './tagger.js';
import { decodeModel } from './tagger-model.js';
import { TAGGER_BITS, TAGGER_WEIGHTS } from './tagger-weights.js';
import { findUrls } from './url.js';
import { validTagged } from './validate-tagged.js';

export type { Entity, PiiType } from './entity.js';

/** UTF-16 offsets, end exclusive, non-overlapping, sorted by start. `types` limits what is returned. */
export type PiiDetector = (text: string, types?: ReadonlySet<PiiType>) => Entity[];

/** Types written with capitals in ordinary text. */
const NAME_TYPES: ReadonlySet<string> = new Set(['PERSON', 'LOCATION', 'ORGANIZATION', 'NRP']);

/** Decoded once per process: a pure function of committed data, no I/O. */
const MODEL = decodeModel(TAGGER_BITS, TAGGER_WEIGHTS);
const LEXICON = loadLexicon();

function hasUpper(text: string, start: number, end: number): boolean {
  return /\p{Lu}/u.test(text.slice(start, end));
}

function detect(text: string, types: ReadonlySet<PiiType> | undefined, scratch: TaggerScratch | undefined): Entity[] {
  const structured: Entity[] = [];
  findEmails(text, structured);
  findUrls(text, structured);
  findNetwork(text, structured);
  findIbans(text, structured);
  findNumbers(text, structured);
  findDriverLicenses(text, structured);
  const resolvedStructured = resolveOverlaps(structured);
  const all: Entity[] = resolvedStructured.slice();
  const tagged: Entity[] = [];
  tagEntities(MODEL, LEXICON, text, resolvedStructured, tagged, scratch);
  // In text that uses capitals, a name written all lower-case ("serve vegan stuff") is a common word; all-lower-case
  // text (chat style) keeps lower-case names.
  const capitalised = tagged.length > 0 && /[A-Z]/.test(text);
  for (const e of tagged) {
    if (capitalised && NAME_TYPES.has(e.type) && !hasUpper(text, e.start, e.end)) continue;
    if (validTagged(text, e)) all.push(e);
  }
  const resolved = tagged.length > 0 ? resolveOverlaps(all) : all;
  return types === undefined ? resolved : resolved.filter((e) => types.has(e.type));
}

/**
 * A detector that keeps its tagging arrays between calls (about 200 KB, allocated on first use): what a scanner
 * instance holds, so a scan allocates no per-call work arrays. Calls must not overlap, which synchronous calls
 * cannot.
 */
export function createPiiDetector(): PiiDetector {
  let scratch: TaggerScratch | undefined;
  return (text, types) => detect(text, types, (scratch ??= taggerScratch()));
}

/** One-off detection (evaluation, tests, the pseudonymiser): work arrays sized to this text. */
export function detectEntities(text: string, types?: ReadonlySet<PiiType>): Entity[] {
  return detect(text, types, undefined);
}
