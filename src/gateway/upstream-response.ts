/** @module What an upstream call answers with: status, content type and a body read once. */
export type UpstreamResponse = {
  readonly status: number;
  readonly contentType: string;
  readonly body: AsyncIterable<Uint8Array | string>;
  /** The whole body as text; rejects with `GW_UPSTREAM_ERROR` past `maxBytes`. Use instead of `body`, not with it. */
  text(maxBytes: number): Promise<string>;
  /** Discards the rest of the body (frees the connection). */
  dump(): Promise<void>;
};
