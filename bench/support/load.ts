/** @module One autocannon run with sub-millisecond latencies (autocannon's own histogram keeps whole milliseconds). */
import autocannon from 'autocannon';
import { percentileSorted, sortedCopy } from './stats.js';

export type LoadOptions = {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly durationSec: number;
};

export type LoadResult = {
  /** Responses with a 2xx status. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly elapsedMs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
};

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  // Latencies from the per-response event: autocannon measures them with hrtime, then truncates to whole
  // milliseconds in its histogram, too coarse for added latencies of a fraction of a millisecond.
  const lat: number[] = [];
  let non2xx = 0;
  const t0 = performance.now();
  return new Promise<LoadResult>((resolve, reject) => {
    const inst = autocannon({
      url: o.url, method: 'POST', headers: { 'content-type': 'application/json', ...o.headers }, body: o.body,
      connections: o.connections, duration: o.durationSec, timeout: 30,
      // autocannon stops only on a sampling tick (1 s by default), which would round every run up to whole seconds.
      ...({ sampleInt: 100 } as Record<string, unknown>),
    }, (err: unknown, result: autocannon.Result) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const elapsedMs = performance.now() - t0;
      const sorted = sortedCopy(lat);
      resolve({
        ok: lat.length, non2xx, errors: result.errors, timeouts: result.timeouts, elapsedMs,
        rps: (lat.length * 1000) / elapsedMs,
        p50Ms: percentileSorted(sorted, 50), p99Ms: percentileSorted(sorted, 99),
      });
    });
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) lat.push(ms);
      else non2xx++;
    });
  });
}
