/**
 * @module Requests whose harm is plain in a few words the model may weigh too little, because the words alone are
 * common ("spike", "groom", "skim", "sneak"): each rule needs the act and its victim or object together, so "groom my
 * dog", "how do banks detect card skimming" or "can I bring a pocket knife through security" do not match. None of
 * them matches a benign row of the data sets (harmful, injection or pii; train and dev).
 */
import type { HARMFUL_CATEGORIES } from './model-weights.js';

type HarmfulCategory = (typeof HARMFUL_CATEGORIES)[number];

export type HarmfulIntent = { readonly name: string; readonly category: HarmfulCategory; readonly re: RegExp };

// A request for a way to do it: the rules that need one start with this.
const ASK = String.raw`(?:how\s+(?:do|can|could|would|should)\s+(?:i|we|you|one|someone)|how\s+to|ways?\s+to|best\s+way\s+to|help\s+me|teach\s+me|tell\s+me\s+how\s+to|i\s+want\s+to|i\s+need\s+to|explain\s+how\s+to)`;
const PERSON = String.raw`(?:husband|wife|boss|neighbou?r|coworker|co-worker|roommate|dad|mom|mother|father|brother|sister|ex|ex-wife|ex-husband|girlfriend|boyfriend|partner|teacher|classmate|baby|child|son|daughter)`;

/** Every pattern is bounded (`{0,n}` gaps, no nested repetition), on lower-case text. */
export const HARMFUL_INTENTS: readonly HarmfulIntent[] = [
  {
    name: 'spike_drink',
    category: 'violence',
    re: /\b(?:spike|roofie|drug)\s+(?:someone|somebody|a\s+(?:girl|woman|guy|man|date|stranger)|her|him|their|his|my\s+\w+)(?:'s)?\s+(?:drink|drinks|coffee|tea|beer|wine|cocktail)\b/,
  },
  {
    name: 'groom_minor',
    category: 'child_safety',
    re: /\bgroom(?:ing)?\s+(?:(?:a|the|young|underage)\s+){0,2}(?:child|children|kid|kids|minor|minors|boy|boys|girl|girls|teen|teens|teenager|teenagers|student|students|\d{1,2}[\s-]year[\s-]old)\b/,
  },
  {
    name: 'skim_cards',
    category: 'fraud',
    re: new RegExp(String.raw`${ASK}\s+(?:\w+\s+){0,2}skim\s+(?:credit\s+|debit\s+|bank\s+)?card(?:s|\s+data|\s+numbers|\s+details)?\b`),
  },
  {
    name: 'staged_accident',
    category: 'violence',
    re: /\b(?:kill|murder|poison|drown|burn|push|hurt)\b.{0,60}\bmake\s+it\s+(?:look|seem|appear)\s+like\s+(?:an?\s+)?(?:accident|suicide|natural\s+causes)\b|\bmake\s+it\s+(?:look|seem|appear)\s+like\s+(?:an?\s+)?(?:accident|suicide|natural\s+causes)\b.{0,40}\b(?:kill|murder|poison|death|die)/,
  },
  {
    name: 'slurs_against',
    category: 'hate',
    re: /\b(?:list|give|tell|write|teach|need|want)\b.{0,40}\bslurs?\s+(?:for|against|about|to\s+(?:call|use))\b/,
  },
  { name: 'untraceable_weapon', category: 'weapons', re: /\buntraceable\s+(?:poison|poisons|gun|guns|firearm|firearms|weapon|weapons)\b/ },
  {
    name: 'weapon_past_security',
    category: 'weapons',
    re: /\b(?:sneak|smuggle|bring|get|carry)\s+(?:a\s+|my\s+)?(?:knife|knives|gun|guns|pistol|weapon|weapons|blade|firearm|explosives?)\s+(?:past|through)\s+(?:the\s+)?(?:airport\s+)?(?:security|tsa|metal\s+detectors?|checkpoint)\b/,
  },
  {
    name: 'kill_person',
    category: 'violence',
    re: new RegExp(String.raw`${ASK}\s+(?:\w+\s+){0,2}(?:kill|murder|poison|strangle|stab)\s+(?:my|his|her|their|our|a|the)\s+(?:\w+\s+)?${PERSON}\b`),
  },
];

/** The first intent `text` (any case) states, or undefined. */
export function matchIntent(text: string): HarmfulIntent | undefined {
  const lower = text.toLowerCase();
  for (const intent of HARMFUL_INTENTS) if (intent.re.test(lower)) return intent;
  return undefined;
}
