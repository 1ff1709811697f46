import { describe, expect, it } from 'vitest';
import { createSseParser, serializeSse, SseEventTooLargeError } from './parser.js';
import type { SseEvent } from './parser.js';

const parseAll = (chunks: string[], max?: number): SseEvent[] => {
  const p = createSseParser(max === undefined ? {} : { maxEventChars: max });
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
};

/** Deterministic PRNG so a failing split can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

const splitRandom = (s: string, rand: () => number): string[] => {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const n = 1 + Math.floor(rand() * 12);
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out;
};

describe('createSseParser', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('parses events separated by %s line endings', (_name, eol) => {
    const text = `event: a${eol}data: one${eol}${eol}data: two${eol}${eol}`;
    expect(parseAll([text])).toEqual([{ event: 'a', data: 'one' }, { data: 'two' }]);
  });

  it('joins multi-line data with LF and keeps id', () => {
    expect(parseAll(['id: 7\ndata: a\ndata:b\ndata\n\n'])).toEqual([{ id: '7', data: 'a\nb\n' }]);
  });

  it('ignores comments, retry and unknown fields, and events with no data', () => {
    expect(parseAll([': keep-alive\nretry: 10\nfoo: bar\nevent: ping\n\n: x\ndata: y\n\n'])).toEqual([{ data: 'y' }]);
  });

  it('dispatches an empty data field as an empty string', () => {
    expect(parseAll(['data:\n\n'])).toEqual([{ data: '' }]);
  });

  it('strips one leading space only and keeps colons in values', () => {
    expect(parseAll(['data:  {"a":"b:c"}\n\n'])).toEqual([{ data: ' {"a":"b:c"}' }]);
  });

  it('strips a leading byte order mark', () => {
    expect(parseAll(['\ufeffdata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('does not count a CRLF split across chunks as two line endings', () => {
    expect(parseAll(['data: a\r', '\n', 'data: b\r', '\n\r', '\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('drops an event that the stream ends inside, as the spec requires', () => {
    expect(parseAll(['data: a\n\ndata: b\n'])).toEqual([{ data: 'a' }]);
  });

  it('yields identical events whatever the chunk boundaries', () => {
    const text =
      'event: message_start\r\ndata: {"type":"message_start"}\r\n\r\n: ping\n' +
      'event: content_block_delta\ndata: {"text":"héllo 🌍"}\n\n' +
      'data: line1\rdata: line2\r\r' +
      'data: [DONE]\n\n';
    const expected = parseAll([text]);
    expect(expected).toHaveLength(4);
    for (let cut = 0; cut <= text.length; cut++) expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    const rand = rng(42);
    for (let k = 0; k < 200; k++) expect(parseAll(splitRandom(text, rand))).toEqual(expected);
  });

  it('throws SseEventTooLargeError when an unterminated line exceeds the bound', () => {
    const p = createSseParser({ maxEventChars: 1000 });
    p.push('data: ' + 'x'.repeat(500));
    expect(() => p.push('x'.repeat(600))).toThrow(SseEventTooLargeError);
    expect(() => p.push('\n\n')).toThrow(SseEventTooLargeError);
  });

  it('throws when many data lines of one event exceed the bound, but not across events', () => {
    const line = 'data: ' + 'x'.repeat(90) + '\n';
    expect(parseAll([(line + '\n').repeat(100)], 1000)).toHaveLength(100);
    expect(() => parseAll([line.repeat(20)], 1000)).toThrow(SseEventTooLargeError);
  });

  it('carries code GW_UPSTREAM_ERROR on the size error', () => {
    try {
      parseAll(['data: ' + 'x'.repeat(100)], 50);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SseEventTooLargeError);
      expect((e as SseEventTooLargeError).code).toBe('GW_UPSTREAM_ERROR');
    }
  });

  it('parses a large LF-only chunk in linear time', () => {
    const one = 'data: {"choices":[{"delta":{"content":"tok"}}]}\n\n';
    const big = one.repeat(100_000); // ~5 MB, no CR anywhere
    const t0 = performance.now();
    const events = parseAll([big]);
    const ms = performance.now() - t0;
    expect(events).toHaveLength(100_000);
    expect(ms).toBeLessThan(2000);
  });
});

describe('serializeSse', () => {
  it('writes event, id and data lines and a blank line', () => {
    expect(serializeSse({ event: 'ping', id: '1', data: '{}' })).toBe('event: ping\nid: 1\ndata: {}\n\n');
  });

  it('splits multi-line data so the parser restores it', () => {
    const ev = { event: 'x', data: 'a\nb\r\nc\rd' };
    expect(serializeSse(ev)).toBe('event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(parseAll([serializeSse({ data: 'a\nb\n' })])).toEqual([{ data: 'a\nb\n' }]);
  });
});
