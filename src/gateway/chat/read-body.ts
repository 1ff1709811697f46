/** @module Reads a chat request's JSON body off the raw request, with Fastify's limits and refusals, for the lean front. */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.js';

export type BodyDone = (err: GatewayError | undefined, body: unknown, raw: string | undefined) => void;

/** True for `application/json`, with or without parameters, in any case. */
export function isJsonContentType(ct: string): boolean {
  const semi = ct.indexOf(';');
  const media = (semi === -1 ? ct : ct.slice(0, semi)).trim();
  return media.length === 16 && media.toLowerCase() === 'application/json';
}

/**
 * What Fastify's string body parser did for these routes, refusal for refusal: a missing body is `undefined`
 * (the shape check refuses it), another content type is invalid_request, a declared or actual size over `limit`
 * is GW_REQUEST_TOO_LARGE before the rest is read, a body shorter or longer than its content-length is refused,
 * and text that is not JSON is invalid_request. `done` is called once, or never when the client goes away.
 */
export function readJsonBody(req: IncomingMessage, limit: number, done: BodyDone): void {
  const h = req.headers;
  const ct = h['content-type'];
  const cl = h['content-length'];
  const hasBody = h['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0');
  if (ct === undefined || !isJsonContentType(ct)) {
    if (ct === undefined && !hasBody) {
      done(undefined, undefined, undefined);
      return;
    }
    done(new GatewayError('GW_REQUEST_INVALID', 'Send the body as application/json.'), undefined, undefined);
    return;
  }
  const declared = cl === undefined ? NaN : Number(cl);
  if (declared > limit) {
    done(tooLarge(limit), undefined, undefined);
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let received = 0;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limit) {
      stop();
      done(tooLarge(limit), undefined, undefined);
      return;
    }
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  };
  const onEnd = (): void => {
    stop();
    if (!Number.isNaN(declared) && received !== declared) {
      done(new GatewayError('GW_REQUEST_INVALID', 'The request body does not match its content-length.'), undefined, undefined);
      return;
    }
    // Decoding the whole body at once keeps a character split across two chunks intact.
    const text = more ? Buffer.concat(more, received).toString('utf8') : first ? first.toString('utf8') : '';
    if (text === '') {
      done(undefined, undefined, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      done(new GatewayError('GW_REQUEST_INVALID', 'The request body is not valid JSON.'), undefined, undefined);
      return;
    }
    done(undefined, parsed, text);
  };
  const stop = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
  };
  // A client gone mid-body: 'end' never comes, nobody is answered and no upstream call is made. (Without an
  // 'error' listener node:http does not emit the reset as an error.)
  req.on('data', onData);
  req.on('end', onEnd);
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('GW_REQUEST_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes.`);
}
