/**
 * @module Preloaded into the Portkey gateway (node --import): gives upstream fetch responses mutable headers.
 * Portkey 1.15.2 on Node 20 wraps a fetched streaming response in a new Response that keeps the original,
 * immutable Headers, then appends its x-portkey-* headers and fails with "TypeError: immutable"
 * (Portkey-AI/gateway issues #1389, #1550). Copying the headers once per upstream call is the smallest change
 * that lets its streaming path run; it costs Portkey a few microseconds per request.
 */
const upstreamFetch = globalThis.fetch;
const { Response, Headers } = globalThis;
globalThis.fetch = async (input, init) => {
  const res = await upstreamFetch(input, init);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
