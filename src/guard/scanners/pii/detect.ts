/** @module detectEntities: all PII recognisers plus the trained tagger, resolved into non-overlapping entities. */
import { findDriverLicenses } from './driver-license.js';
import { findEmails } from './email.js';
import type { Entity, PiiType } from './entity.js';
import { findIbans } from './iban.js';
import { loadLexicon } from './lexicon.js';
import { findNetwork } from './network.js';
import { findNumbers } from './numbers.js';
import { resolveOverlaps } from './resolve.js';
import { tagEntities } from './tagger.js';
import { decodeModel } from './tagger-model.js';
import { TAGGER_BITS, TAGGER_WEIGHTS } from './tagger-weights.js';
import { findUrls } from './url.js';
import { validTagged } from './validate-tagged.js';

export type { Entity, PiiType } from './entity.js';

/** Decoded once per process: a pure function of committed data, no I/O. */
/** Types written with capitals in ordinary text. */
const NAME_TYPES: ReadonlySet<string> = new Set(['PERSON', 'LOCATION', 'ORGANIZATION', 'NRP']);

const MODEL = decodeModel(TAGGER_BITS, TAGGER_WEIGHTS);
const LEXICON = loadLexicon();

/** UTF-16 offsets, end exclusive, non-overlapping, sorted by start. `types` limits what is returned. */
export function detectEntities(text: string, types?: ReadonlySet<PiiType>): Entity[] {
  const structured: Entity[] = [];
  findEmails(text, structured);
  findUrls(text, structured);
  findNetwork(text, structured);
  findIbans(text, structured);
  findNumbers(text, structured);
  findDriverLicenses(text, structured);
  const resolvedStructured = resolveOverlaps(structured);
  const all: Entity[] = [...resolvedStructured];
  const tagged: Entity[] = [];
  tagEntities(MODEL, LEXICON, text, resolvedStructured, tagged);
  // In text that uses capitals, a name written all lower-case ("serve vegan stuff") is a common word; all-lower-case
  // text (chat style) keeps lower-case names.
  const capitalised = /[A-Z]/.test(text);
  for (const e of tagged) {
    if (capitalised && NAME_TYPES.has(e.type) && !/\p{Lu}/u.test(text.slice(e.start, e.end))) continue;
    if (validTagged(text, e)) all.push(e);
  }
  const resolved = resolveOverlaps(all);
  return types === undefined ? resolved : resolved.filter((e) => types.has(e.type));
}
