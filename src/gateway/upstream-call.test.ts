import { describe, expect, it } from 'vitest';
import { RequestAbort } from './request-abort.js';
import { UpstreamCall } from './upstream-call.js';

function started(): { call: UpstreamCall; resumed: () => number; aborted: () => unknown } {
  const call = new UpstreamCall(new RequestAbort());
  let resumes = 0;
  let abortedWith: unknown;
  call.onConnect((e) => {
    abortedWith = e;
  });
  call.onHeaders(200, [Buffer.from('Content-Type'), Buffer.from('application/json')], () => {
    resumes++;
  });
  return { call, resumed: () => resumes, aborted: () => abortedWith };
}

describe('UpstreamCall', () => {
  it('resolves with status and content type once headers arrive', async () => {
    const { call } = started();
    const res = await call.headers;
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
  });

  it('joins the body before decoding, so a character split across chunks stays whole', async () => {
    const { call } = started();
    const bytes = Buffer.from('{"a":"é€"}');
    call.onData(bytes.subarray(0, 7));
    call.onData(bytes.subarray(7));
    call.onComplete();
    expect(await call.text(1024)).toBe('{"a":"é€"}');
  });

  it('refuses a body past the limit', async () => {
    const { call } = started();
    call.onData(Buffer.alloc(100));
    const p = call.text(50);
    call.onComplete();
    await expect(p).rejects.toMatchObject({ code: 'GW_UPSTREAM_ERROR' });
  });

  it('pauses undici past the high-water mark and resumes once the reader catches up', async () => {
    const { call, resumed } = started();
    expect(call.onData(Buffer.alloc(40 * 1024))).toBe(true);
    expect(call.onData(Buffer.alloc(40 * 1024))).toBe(false);
    const it = call.body[Symbol.asyncIterator]();
    // What is queued leaves as one chunk.
    expect(((await it.next()).value as Buffer).length).toBe(80 * 1024);
    expect(resumed()).toBe(1);
    call.onData(Buffer.from('a'));
    call.onData(Buffer.from('b'));
    call.onComplete();
    expect(((await it.next()).value as Buffer).toString()).toBe('ab');
    expect((await it.next()).done).toBe(true);
  });

  it('hands the abort reason to undici and ends the body with the error', async () => {
    const abort = new RequestAbort();
    const call = new UpstreamCall(abort);
    let given: unknown;
    call.onConnect((e) => {
      given = e;
    });
    call.onHeaders(200, null, () => undefined);
    const reason = new Error('client went away');
    const it = call.body[Symbol.asyncIterator]();
    const next = it.next();
    abort.abort(reason);
    expect(given).toBe(reason);
    call.onError(reason);
    await expect(next).rejects.toBe(reason);
  });

  it('aborts at connect when the request was cancelled while queued', () => {
    const abort = new RequestAbort();
    const call = new UpstreamCall(abort);
    const reason = new Error('timeout');
    abort.abort(reason);
    let given: unknown;
    call.onConnect((e) => {
      given = e;
    });
    expect(given).toBe(reason);
  });
});
