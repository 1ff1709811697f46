/**
 * @module Everyday senses of violent verbs, read off their object before the harmful model scores a text: "kill the
 * stuck process", "shoot a portrait", "forge a connection", "crack an egg". The model learned these verbs from
 * harmful requests, so such questions were flagged. A verb is rewritten to a neutral one ("stop", "take", "build",
 * "open") only when its object is one of a short list of nouns for that sense, and only determiners and a closed list
 * of plain modifiers stand between them, so "kill my neighbour's process server" keeps its verb.
 */

import { normalizeForScan } from '../../text/normalize.js';

type Sense = { readonly to: string; readonly objects: ReadonlySet<string> };

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));

const STOP: Sense = {
  to: 'stop',
  objects: words('process processes job jobs task tasks thread threads container containers pod pods session sessions pid pids app apps application applications program programs service services server servers tab tabs query queries connection connections loop loops script scripts daemon daemons instance instances vm vms worker workers'),
};
const REMOVE: Sense = {
  to: 'remove',
  objects: words('virus viruses malware adware spyware germs bacteria weeds weed mold mould mildew lice fleas ants cockroaches roaches bugs pests mosquitoes termites aphids fungus algae odor odors odour odours smell smells stains'),
};

/** Verb forms (lower case) to the senses their objects may select. */
const VERBS = new Map<string, readonly Sense[]>();
function verb(forms: string, ...senses: Sense[]): void {
  for (const f of forms.split(' ')) VERBS.set(f, [...(VERBS.get(f) ?? []), ...senses]);
}
verb('kill kills killing killed terminate terminates terminating nuke nuking', STOP, REMOVE);
verb('destroy destroys destroying eliminate eliminates eliminating exterminate exterminating', REMOVE);
verb('crack cracks cracking', { to: 'open', objects: words('egg eggs nut nuts walnut walnuts knuckles joke jokes smile shell shells crab lobster') });
verb('steal steals stealing', { to: 'win', objects: words('show spotlight limelight glance kiss base bases scene heart hearts') });
verb('shoot shoots shooting', { to: 'take', objects: words('photo photos photograph photographs picture pictures video videos film films movie scene scenes portrait portraits footage selfie selfies hoops basket baskets breeze') });
verb('execute executes executing', { to: 'run', objects: words('script scripts command commands query queries plan plans strategy strategies trade trades test tests function functions workflow workflows') });
verb('blow blows blowing', { to: 'inflate', objects: words('balloon balloons') });
verb('forge forges forging', { to: 'build', objects: words('connection connections relationship relationships bond bonds alliance alliances friendship friendships partnership partnerships path career link links ties') });
verb('hack hacks hacking', { to: 'improve', objects: words('productivity routine routines sleep morning mornings workflow habits learning') });
verb('gut gutting', { to: 'clean', objects: words('fish chicken turkey kitchen bathroom') });
verb('attack attacking tackle', { to: 'tackle', objects: words('problem problems task question questions challenge challenges') });

/** What may stand between a verb and its object: determiners, particles and plain modifiers, never a person or a noun of its own. */
const BETWEEN = words(
  'a an the my our your his her their its this that these those all every any some each few several one two three of up off ' +
  'running stuck frozen hung hanging zombie idle stale background child parent main old current existing active open remaining whole entire ' +
  'docker python node java linux windows chrome browser kubernetes sql ' +
  'perfect nice good great quick raw hard fresh little big new family wedding product household garden lawn ' +
  'strong stronger better deeper closer lasting real meaningful genuine professional personal',
);
const MAX_BETWEEN = 3;
const WORD = /[A-Za-z]+/g;
/** The words after a verb, read from its end (`lastIndex` set per verb; the scan is synchronous, so one regex serves). */
const NEXT_WORD = /[A-Za-z]+/g;

/** The text the harmful model reads, in the scanner and in `train:harmful`: normalised, then the everyday senses read. */
export function harmfulView(text: string): string {
  return neutraliseSenses(normalizeForScan(text));
}

/**
 * `text` with each verb used in one of the everyday senses above replaced by its neutral verb (same text otherwise).
 * Linear in the length: one pass over the words, a bounded look-ahead from each verb.
 */
export function neutraliseSenses(text: string): string {
  let out = '';
  let from = 0;
  for (const m of text.matchAll(WORD)) {
    const senses = VERBS.get(m[0].toLowerCase());
    if (senses === undefined) continue;
    const to = senseAfter(text, m.index + m[0].length, senses);
    if (to === undefined) continue;
    out += text.slice(from, m.index) + to;
    from = m.index + m[0].length;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The neutral verb for the sense the words after `at` select, reading at most MAX_BETWEEN modifiers and the object. */
function senseAfter(text: string, at: number, senses: readonly Sense[]): string | undefined {
  NEXT_WORD.lastIndex = at;
  for (let between = 0; between <= MAX_BETWEEN; between++) {
    const m = NEXT_WORD.exec(text);
    if (m === null) return undefined;
    const word = m[0].toLowerCase();
    for (const s of senses) if (s.objects.has(word)) return s.to;
    if (!BETWEEN.has(word)) return undefined;
  }
  return undefined;
}
