/** @module Incremental Server-Sent Events parser and serializer for upstream and client streams (hot path: no regexes). */
import { GatewayError } from '../../core/errors.js';

/** One dispatched SSE event; `event` and `id` only when the event carried them. */
export type SseEvent = { event?: string; data: string; id?: string };

export type SseParser = {
  /** Feeds a decoded text chunk (split anywhere); returns the events it completed. Throws SseEventTooLargeError. */
  push(chunk: string): SseEvent[];
  /** Upstream ended: settles a trailing CR; an event without its closing blank line is dropped, as the spec says. */
  end(): SseEvent[];
};

/** Default bound on one event (pending line + data), in UTF-16 code units: a hostile upstream cannot exhaust memory. */
export const DEFAULT_MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

/** Thrown when one event grows past the bound; the parser stays failed afterwards. */
export class SseEventTooLargeError extends GatewayError {
  readonly limit: number;
  constructor(limit: number) {
    super('GW_UPSTREAM_ERROR', `Upstream stream event exceeds ${limit} characters.`, { details: { limit } });
    this.name = 'SseEventTooLargeError';
    this.limit = limit;
  }
}

const LF = 10;
const CR = 13;

/** Creates a parser; `maxEventChars` bounds one event including its unfinished line. */
export function createSseParser(opts: { maxEventChars?: number } = {}): SseParser {
  const max = opts.maxEventChars ?? DEFAULT_MAX_SSE_EVENT_CHARS;
  let buf = '';
  let skipLf = false; // the previous chunk ended in CR: a leading LF belongs to that line ending
  let bomChecked = false;
  let failed = false;
  let data = '';
  let hasData = false;
  let eventType = '';
  let eventId: string | undefined;
  let eventChars = 0;

  const dispatch = (out: SseEvent[]): void => {
    if (hasData) {
      const ev: SseEvent = { data };
      if (eventType !== '') ev.event = eventType;
      if (eventId !== undefined) ev.id = eventId;
      out.push(ev);
    }
    data = '';
    hasData = false;
    eventType = '';
    eventId = undefined;
    eventChars = 0;
  };

  const line = (s: string, start: number, end: number, out: SseEvent[]): void => {
    if (start === end) return dispatch(out);
    if (s.charCodeAt(start) === 58 /* ':' comment */) return;
    eventChars += end - start;
    if (eventChars > max) {
      failed = true;
      throw new SseEventTooLargeError(max);
    }
    const colon = s.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = s.slice(start, end);
      value = '';
    } else {
      field = s.slice(start, colon);
      const vs = s.charCodeAt(colon + 1) === 32 && colon + 1 < end ? colon + 2 : colon + 1;
      value = s.slice(vs, end);
    }
    switch (field) {
      case 'data':
        data = hasData ? data + '\n' + value : value;
        hasData = true;
        break;
      case 'event':
        eventType = value;
        break;
      case 'id':
        if (value.indexOf('\0') === -1) eventId = value;
        break;
      default: // `retry` and unknown fields are ignored
    }
  };

  const scan = (final: boolean): SseEvent[] => {
    const out: SseEvent[] = [];
    const s = buf;
    const n = s.length;
    let pos = 0;
    if (skipLf && n > 0) {
      if (s.charCodeAt(0) === LF) pos = 1;
      skipLf = false;
    }
    // Cached next positions keep the scan linear when one terminator kind never occurs.
    let nextLf = s.indexOf('\n', pos);
    let nextCr = s.indexOf('\r', pos);
    while (pos < n) {
      if (nextLf !== -1 && nextLf < pos) nextLf = s.indexOf('\n', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = s.indexOf('\r', pos);
      let eol: number;
      if (nextLf === -1) eol = nextCr;
      else if (nextCr === -1) eol = nextLf;
      else eol = nextLf < nextCr ? nextLf : nextCr;
      if (eol === -1) break;
      line(s, pos, eol, out);
      if (s.charCodeAt(eol) === CR) {
        if (eol + 1 < n) pos = s.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
        else {
          pos = n;
          skipLf = true;
        }
      } else pos = eol + 1;
    }
    buf = pos >= n ? '' : s.slice(pos);
    if (final) {
      buf = '';
      skipLf = false;
    } else if (buf.length + eventChars > max) {
      failed = true;
      throw new SseEventTooLargeError(max);
    }
    return out;
  };

  return {
    push(chunk: string): SseEvent[] {
      if (failed) throw new SseEventTooLargeError(max);
      if (!bomChecked && chunk.length > 0) {
        bomChecked = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      if (chunk.length === 0) return [];
      buf = buf.length === 0 ? chunk : buf + chunk;
      return scan(false);
    },
    end(): SseEvent[] {
      if (failed) return [];
      return scan(true);
    },
  };
}

/** Serializes one event as an SSE frame ending in a blank line; multi-line data becomes several `data:` lines. */
export function serializeSse(ev: SseEvent): string {
  let out = '';
  if (ev.event !== undefined) out += 'event: ' + ev.event + '\n';
  if (ev.id !== undefined) out += 'id: ' + ev.id + '\n';
  const d = ev.data;
  if (d.indexOf('\n') === -1 && d.indexOf('\r') === -1) return out + 'data: ' + d + '\n\n';
  let start = 0;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c === LF || c === CR) {
      out += 'data: ' + d.slice(start, i) + '\n';
      if (c === CR && d.charCodeAt(i + 1) === LF) i++;
      start = i + 1;
    }
  }
  return out + 'data: ' + d.slice(start) + '\n\n';
}
