/** @module Reads a chat request's JSON body off the raw request, with Fastify's limits and refusals, for the lean front. */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.js';

export type BodyDone<C> = (err: GatewayError | undefined, body: unknown, raw: string | undefined, ctx: C) => void;

/** True for `application/json`, with or without parameters, in any case. */
export function isJsonContentType(ct: string): boolean {
  const semi = ct.indexOf(';');
  const media = (semi === -1 ? ct : ct.slice(0, semi)).trim();
  return media.length === 16 && media.toLowerCase() === 'application/json';
}

type Reading = {
  readonly limit: number;
  readonly declared: number;
  received: number;
  first: Buffer | undefined;
  more: Buffer[] | undefined;
  readonly done: BodyDone<unknown>;
  readonly ctx: unknown;
};

const READING = Symbol('warden.reading');
type Req = IncomingMessage & { [READING]?: Reading | undefined };

/**
 * What Fastify's string body parser did for these routes, refusal for refusal: a missing body is `undefined`
 * (the shape check refuses it), another content type is invalid_request, a declared or actual size over `limit`
 * is GW_REQUEST_TOO_LARGE before the rest is read, a body shorter or longer than its content-length is refused,
 * and text that is not JSON is invalid_request. `done` is called once with `ctx`, or never when the client goes
 * away. The listeners are shared functions and the state hangs on the request: no closures per request.
 */
export function readJsonBody<C>(req: IncomingMessage, limit: number, done: BodyDone<C>, ctx: C): void {
  const h = req.headers;
  const ct = h['content-type'];
  const cl = h['content-length'];
  const hasBody = h['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0');
  if (ct === undefined || !isJsonContentType(ct)) {
    if (ct === undefined && !hasBody) {
      done(undefined, undefined, undefined, ctx);
      return;
    }
    done(new GatewayError('GW_REQUEST_INVALID', 'Send the body as application/json.'), undefined, undefined, ctx);
    return;
  }
  const declared = cl === undefined ? NaN : Number(cl);
  if (declared > limit) {
    done(tooLarge(limit), undefined, undefined, ctx);
    return;
  }
  (req as Req)[READING] = { limit, declared, received: 0, first: undefined, more: undefined, done: done as BodyDone<unknown>, ctx };
  // A client gone mid-body: 'end' never comes, nobody is answered and no upstream call is made. (Without an
  // 'error' listener node:http does not emit the reset as an error.)
  req.on('data', onData);
  req.on('end', onEnd);
}

function onData(this: Req, chunk: Buffer): void {
  const s = this[READING];
  if (!s) return;
  s.received += chunk.length;
  if (s.received > s.limit) {
    stop(this);
    s.done(tooLarge(s.limit), undefined, undefined, s.ctx);
    return;
  }
  if (s.first === undefined) s.first = chunk;
  else (s.more ??= [s.first]).push(chunk);
}

function onEnd(this: Req): void {
  const s = this[READING];
  if (!s) return;
  stop(this);
  if (!Number.isNaN(s.declared) && s.received !== s.declared) {
    s.done(new GatewayError('GW_REQUEST_INVALID', 'The request body does not match its content-length.'), undefined, undefined, s.ctx);
    return;
  }
  // Decoding the whole body at once keeps a character split across two chunks intact.
  const text = s.more ? Buffer.concat(s.more, s.received).toString('utf8') : s.first ? s.first.toString('utf8') : '';
  if (text === '') {
    s.done(undefined, undefined, undefined, s.ctx);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    s.done(new GatewayError('GW_REQUEST_INVALID', 'The request body is not valid JSON.'), undefined, undefined, s.ctx);
    return;
  }
  s.done(undefined, parsed, text, s.ctx);
}

function stop(req: Req): void {
  req[READING] = undefined;
  req.off('data', onData);
  req.off('end', onEnd);
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('GW_REQUEST_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes.`);
}
