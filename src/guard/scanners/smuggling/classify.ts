/** @module Code-point classes of Unicode smuggling: tag characters, invisible joiners, bidi controls, variation selectors, confusables. */

export const TAG_FIRST = 0xe0000;
export const TAG_LAST = 0xe007f;
export const VS_SUPP_FIRST = 0xe0100;
export const VS_SUPP_LAST = 0xe01ef;

/** Invisible characters used to split words or hide text; ZWJ/ZWNJ are judged by context in the scanner. */
export function isZeroWidth(c: number): boolean {
  return (
    c === 0x200b || c === 0x200c || c === 0x200d || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff || c === 0x180e ||
    c === 0x00ad || c === 0x034f || c === 0x115f || c === 0x1160 || c === 0x3164 || c === 0xffa0
  );
}

/** Embeddings, overrides and isolates: they reorder what a reader sees versus what the model reads (Trojan Source). */
export function isBidiControl(c: number): boolean {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** LRM, RLM, ALM: legitimate in right-to-left text; suspicious only between two Latin letters. */
export function isBidiMark(c: number): boolean {
  return c === 0x200e || c === 0x200f || c === 0x061c;
}

export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= VS_SUPP_FIRST && cp <= VS_SUPP_LAST);
}

/** The byte a variation selector encodes in the "emoji smuggling" scheme (VS1-16 = 0-15, VS17-256 = 16-255). */
export function variationSelectorByte(cp: number): number {
  return cp <= 0xfe0f ? cp - 0xfe00 : cp - VS_SUPP_FIRST + 16;
}

export function isLatinLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** Letters that can sit inside a word we judge for script mixing (Latin, Greek, Cyrillic, IPA, small capitals). */
export function isWordLetter(c: number): boolean {
  return isLatinLetter(c) || (c >= 0x250 && c <= 0x2af) || (c >= 0x370 && c <= 0x52f) || (c >= 0x1d00 && c <= 0x1d7f);
}

/** Emoji-ish code points around which ZWJ and VS16 are ordinary. */
export function isEmojiContext(cp: number): boolean {
  return cp >= 0x1f000 || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x2190 && cp <= 0x21ff) || (cp >= 0x2300 && cp <= 0x23ff) || cp === 0xfe0f;
}

/** Scripts in which ZWNJ is part of correct spelling (Arabic, Persian, Indic, Sinhala). */
export function isJoinerScript(c: number): boolean {
  return (c >= 0x0600 && c <= 0x08ff) || (c >= 0x0900 && c <= 0x0dff) || (c >= 0xfb50 && c <= 0xfeff);
}

/** CJK ideographs: the legitimate bases of ideographic variation sequences (VS17+). */
export function isIdeograph(cp: number): boolean {
  return (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
}

const CONFUSABLE_PAIRS =
  'аaвbеeёeкkмmнhоoрpсcтtуyхxѕsіiїiјjԁdԛqԝwһhӏlАAВBЕEКKМMНHОOРPСCТTХXУYЅSІIЈJ' +
  'αaεeιiκkνvοoρpτtυuχxϲcΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX' +
  'ɑaɡgʏyᴀaᴄcᴅdᴇeᴊjᴋkᴍmᴏoᴘpᴛtᴜuᴠvᴡwᴢz';

/** Non-Latin letter -> Latin look-alike, as a table over the BMP letters we judge (0x0000-0x1FFF). */
export type Confusables = Uint8Array;
const TABLE_SIZE = 0x2000;

/** Built per scanner instance (no module state); a typed table because this is looked up per letter. */
export function buildConfusables(): Confusables {
  const t = new Uint8Array(TABLE_SIZE);
  for (let i = 0; i + 1 < CONFUSABLE_PAIRS.length; i += 2) t[CONFUSABLE_PAIRS.charCodeAt(i)] = CONFUSABLE_PAIRS.charCodeAt(i + 1);
  return t;
}

export function isConfusable(t: Confusables, c: number): boolean {
  return c < TABLE_SIZE && (t[c] ?? 0) !== 0;
}

export function latinOf(t: Confusables, c: number): string | undefined {
  const l = c < TABLE_SIZE ? (t[c] ?? 0) : 0;
  return l === 0 ? undefined : String.fromCharCode(l);
}
