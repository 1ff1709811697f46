/** @module Typed placeholders: `[EMAIL_1]`, numbered per distinct value so one value always gets one placeholder. */

export type Span = { readonly type: string; readonly start: number; readonly end: number };

/** Placeholder grammar; bounded repetition keeps the restore scan linear. */
export const PLACEHOLDER = /\[([A-Z][A-Z_]{0,23})_(\d{1,6})\]/g;

/**
 * Replaces each span (non-overlapping, sorted by start) with the placeholder `assign` returns for its value.
 * `assign(type, value)` decides numbering; see `numberPerText` and the pseudonymiser.
 */
export function replaceSpans(text: string, spans: readonly Span[], assign: (type: string, value: string) => string): string {
  let out = '';
  let last = 0;
  for (const s of spans) {
    if (s.start < last) continue;
    out += text.slice(last, s.start) + assign(s.type, text.slice(s.start, s.end));
    last = s.end;
  }
  return out + text.slice(last);
}

/**
 * Numbering that is stable per distinct value within one text: the first e-mail is [EMAIL_1], a repeat reuses it.
 * `onNew` hears each new placeholder with its value (the pseudonymiser keeps them to restore the answer).
 */
export function numberPerText(onNew?: (placeholder: string, value: string) => void): (type: string, value: string) => string {
  const byValue = new Map<string, string>();
  const counts = new Map<string, number>();
  return (type, value) => {
    const key = `${type}\u0000${value}`;
    const known = byValue.get(key);
    if (known !== undefined) return known;
    const n = (counts.get(type) ?? 0) + 1;
    counts.set(type, n);
    const ph = `[${type}_${n}]`;
    byValue.set(key, ph);
    onNew?.(ph, value);
    return ph;
  };
}
