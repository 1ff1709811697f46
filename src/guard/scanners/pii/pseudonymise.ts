/**
 * @module Reversible pseudonymisation for one request: values become placeholders before the provider sees them, and
 * placeholders in the answer become values again for the caller, also across streamed chunks.
 */
import { detectEntities } from './detect.js';
import { numberPerText, PLACEHOLDER, replaceSpans, type Span } from '../../text/placeholders.js';
import { resolveOverlaps } from './resolve.js';

export type Detector = (text: string) => readonly Span[];

export type Restorer = {
  /** Returns the restored text that is safe to emit; holds back a possible placeholder prefix at the end. */
  push(chunk: string): string;
  /** Flushes whatever is held back. */
  end(): string;
};

export type Pseudonymiser = {
  /** Replaces detected values; the same value gets the same placeholder in every message of the request. */
  redact(text: string): string;
  /** Puts the original values back wherever a known placeholder appears. */
  restore(text: string): string;
  /** Incremental restore for a streamed answer. */
  createRestorer(): Restorer;
  /** Number of distinct values replaced so far. */
  readonly size: number;
};

export type PseudonymiserOptions = {
  /** Defaults to every PII type; the gateway may pass a detector that also includes secrets. */
  readonly detect?: Detector;
};

export function createPseudonymiser(options: PseudonymiserOptions = {}): Pseudonymiser {
  const detect: Detector = options.detect ?? ((t) => detectEntities(t));
  const byPlaceholder = new Map<string, string>();
  let longest = 0;
  // One numbering for the whole request: the same value gets the same placeholder in every message.
  const assign = numberPerText((ph, value) => {
    byPlaceholder.set(ph, value);
    longest = Math.max(longest, ph.length);
  });

  const restore = (text: string): string => text.replace(PLACEHOLDER, (m) => byPlaceholder.get(m) ?? m);

  return {
    redact: (text) => replaceSpans(text, resolveOverlaps(detect(text).map((s) => ({ ...s, score: 1 }))), assign),
    restore,
    createRestorer: () => {
      let held = '';
      return {
        push(chunk) {
          const buf = held + chunk;
          // Hold back from the last '[' that is not closed yet, if what follows could still become a placeholder.
          const open = buf.lastIndexOf('[');
          if (open !== -1 && buf.indexOf(']', open) === -1 && buf.length - open < Math.max(longest, 1)) {
            held = buf.slice(open);
            return restore(buf.slice(0, open));
          }
          held = '';
          return restore(buf);
        },
        end() {
          const rest = held;
          held = '';
          return restore(rest);
        },
      };
    },
    get size() {
      return byPlaceholder.size;
    },
  };
}
