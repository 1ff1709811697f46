import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isJsonContentType, readJsonBody } from './read-body.js';

type Outcome = { code: string | undefined; body: unknown; raw: string | undefined; ctx: string };

function fakeRequest(headers: Record<string, string>, chunks: readonly Buffer[]): IncomingMessage {
  const s = new PassThrough();
  Object.assign(s, { headers });
  queueMicrotask(() => {
    for (const c of chunks) s.write(c);
    s.end();
  });
  return s as unknown as IncomingMessage;
}

function read(headers: Record<string, string>, chunks: readonly Buffer[], limit = 1024): Promise<Outcome> {
  return new Promise((resolve) => {
    readJsonBody(fakeRequest(headers, chunks), limit, (err, body, raw, ctx) => resolve({ code: err?.code, body, raw, ctx }), 'ctx');
  });
}

const json = { 'content-type': 'application/json' };

describe('readJsonBody', () => {
  it('parses the body and keeps the text as received, a character split across chunks intact', async () => {
    const bytes = Buffer.from('{"a":"é€"}');
    const r = await read({ ...json, 'content-length': String(bytes.length) }, [bytes.subarray(0, 7), bytes.subarray(7)]);
    expect(r).toEqual({ code: undefined, body: { a: 'é€' }, raw: '{"a":"é€"}', ctx: 'ctx' });
  });

  it('accepts parameters and any case in the content type, and refuses other types', () => {
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/jsonx')).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
  });

  it('refuses another content type, and a body without one, as GW_REQUEST_INVALID', async () => {
    expect((await read({ 'content-type': 'text/plain', 'content-length': '5' }, [Buffer.from('hello')])).code).toBe('GW_REQUEST_INVALID');
    expect((await read({ 'content-length': '5' }, [Buffer.from('hello')])).code).toBe('GW_REQUEST_INVALID');
  });

  it('hands on an empty body as undefined, for the shape check to refuse', async () => {
    expect(await read({}, [])).toEqual({ code: undefined, body: undefined, raw: undefined, ctx: 'ctx' });
    expect(await read({ ...json, 'content-length': '0' }, [])).toEqual({ code: undefined, body: undefined, raw: undefined, ctx: 'ctx' });
  });

  it('refuses a declared or an actual size over the limit as GW_REQUEST_TOO_LARGE', async () => {
    expect((await read({ ...json, 'content-length': '2000' }, [Buffer.alloc(10)], 1024)).code).toBe('GW_REQUEST_TOO_LARGE');
    expect((await read({ ...json, 'transfer-encoding': 'chunked' }, [Buffer.alloc(600, 32), Buffer.alloc(600, 32)], 1024)).code).toBe('GW_REQUEST_TOO_LARGE');
  });

  it('refuses text that is not JSON, and a body that does not match its content-length', async () => {
    expect((await read({ ...json, 'content-length': '3' }, [Buffer.from('{x}')])).code).toBe('GW_REQUEST_INVALID');
    expect((await read({ ...json, 'content-length': '9' }, [Buffer.from('{}')])).code).toBe('GW_REQUEST_INVALID');
  });
});
