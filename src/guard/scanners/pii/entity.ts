/** @module The PII entity record every recogniser returns, and the type set of the shared data README. */

export const PII_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'IP_ADDRESS',
  'US_SSN',
  'URL',
  'US_DRIVER_LICENSE',
  'PERSON',
  'ADDRESS',
  'LOCATION',
  'DATE_TIME',
  'AGE',
  'ORGANIZATION',
  'NRP',
] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** A detected value: UTF-16 code-unit offsets into the scanned text, end exclusive; score in [0, 1]. */
export type Entity<T extends string = PiiType> = {
  readonly type: T;
  readonly start: number;
  readonly end: number;
  readonly score: number;
};

/** Types the tagger model emits; the structured types come from validating recognisers. */
export const TAGGED_TYPES = ['PERSON', 'ADDRESS', 'LOCATION', 'ORGANIZATION', 'DATE_TIME', 'AGE', 'NRP'] as const;
export type TaggedType = (typeof TAGGED_TYPES)[number];
