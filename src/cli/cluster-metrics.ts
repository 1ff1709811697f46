/** @module /metrics across worker processes: a worker asks the primary, which gathers every worker's registry (prom-client's aggregator). */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQ = 'warden.metrics.req';
const RES = 'warden.metrics.res';

type Req = { readonly [REQ]: number };
type Res = { readonly [RES]: number; readonly text: string };

/** Primary side: answers workers' requests with the aggregate of all workers. */
export function serveClusterMetrics(): (worker: { send(m: unknown): boolean }, message: unknown) => boolean {
  const agg = new AggregatorRegistry();
  return (worker, message) => {
    if (typeof message !== 'object' || message === null || !(REQ in message)) return false;
    const id = (message as Req)[REQ];
    agg.clusterMetrics().then(
      (text) => worker.send({ [RES]: id, text }),
      (err: unknown) => worker.send({ [RES]: id, text: `# aggregation failed: ${err instanceof Error ? err.message : 'error'}\n` }),
    );
    return true;
  };
}

/** Worker side: exposes this worker's registry to the aggregator and returns the function /metrics calls. */
export function clusterMetricsText(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client answers the primary's requests only once an AggregatorRegistry was constructed in this process
  // (the constructor installs the listener): without it the primary waited 5 s and /metrics fell back, after 2 s,
  // to the one worker that was asked.
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, (text: string) => void>();
  process.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && RES in m) {
      const r = m as Res;
      pending.get(r[RES])?.(r.text);
      pending.delete(r[RES]);
    }
  });
  return () => {
    if (!cluster.isWorker || !process.send) return registry.metrics();
    const id = ++next;
    return new Promise<string>((resolve) => {
      const t = setTimeout(() => {
        pending.delete(id);
        void registry.metrics().then(resolve);
      }, 2_000);
      pending.set(id, (text) => {
        clearTimeout(t);
        resolve(text);
      });
      process.send?.({ [REQ]: id });
    });
  };
}
