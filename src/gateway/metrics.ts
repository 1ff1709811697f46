/** @module Prometheus metrics of one process: requests, latency, upstream latency, errors by code, guard findings. */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

type Value = { value: number; labels: Record<string, string | number>; metricName?: string };
type MetricData = { name: string; help: string; type: string; values: Value[]; aggregator: 'sum' };

/**
 * The per-request metrics are plain numbers in maps keyed by label value, turned into prom-client's shape only
 * when /metrics is scraped: prom-client hashes a label object and validates it on every inc/observe, which cost
 * more per request than the rest of the bookkeeping. These objects register in a prom-client Registry like its
 * own metrics (name, help, type, aggregator, get, reset), so /metrics text and the cluster aggregation are unchanged.
 */
abstract class ScrapedMetric {
  readonly aggregator = 'sum' as const;
  abstract readonly type: string;
  constructor(readonly name: string, readonly help: string) {}
  protected abstract values(): Value[];
  abstract reset(): void;
  get(): Promise<MetricData> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator });
  }
}

/** A counter with one label. */
export class Counter1 extends ScrapedMetric {
  readonly type = 'counter';
  #counts = new Map<string, number>();
  constructor(name: string, help: string, readonly label: string) {
    super(name, help);
  }
  inc(value: string, by = 1): void {
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + by);
  }
  protected values(): Value[] {
    return [...this.#counts].map(([v, n]) => ({ value: n, labels: { [this.label]: v } }));
  }
  reset(): void {
    this.#counts = new Map();
  }
}

/** A counter with three labels, as nested maps: no key string built per increment. */
export class Counter3 extends ScrapedMetric {
  readonly type = 'counter';
  #counts = new Map<string, Map<string, Map<string, { n: number }>>>();
  constructor(name: string, help: string, readonly labels: readonly [string, string, string]) {
    super(name, help);
  }
  inc(a: string, b: string, c: string): void {
    let m1 = this.#counts.get(a);
    if (!m1) this.#counts.set(a, (m1 = new Map()));
    let m2 = m1.get(b);
    if (!m2) m1.set(b, (m2 = new Map()));
    const e = m2.get(c);
    if (e) e.n++;
    else m2.set(c, { n: 1 });
  }
  protected values(): Value[] {
    const [la, lb, lc] = this.labels;
    const out: Value[] = [];
    for (const [a, m1] of this.#counts) {
      for (const [b, m2] of m1) for (const [c, e] of m2) out.push({ value: e.n, labels: { [la]: a, [lb]: b, [lc]: c } });
    }
    return out;
  }
  reset(): void {
    this.#counts = new Map();
  }
}

type Series = { readonly counts: Float64Array; sum: number; count: number };

/** A histogram with one label; bucket counts per label value in a typed array, made cumulative on scrape. */
export class Histogram1 extends ScrapedMetric {
  readonly type = 'histogram';
  #series = new Map<string, Series>();
  constructor(name: string, help: string, readonly label: string, readonly buckets: readonly number[]) {
    super(name, help);
  }
  observe(value: string, x: number): void {
    let s = this.#series.get(value);
    if (!s) this.#series.set(value, (s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 }));
    const b = this.buckets;
    let i = 0;
    while (i < b.length && x > (b[i] as number)) i++;
    if (i < b.length) (s.counts[i] as number)++;
    s.sum += x;
    s.count++;
  }
  protected values(): Value[] {
    const out: Value[] = [];
    for (const [v, s] of this.#series) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += s.counts[i] as number;
        out.push({ value: acc, labels: { le: this.buckets[i] as number, [this.label]: v }, metricName: `${this.name}_bucket` });
      }
      out.push({ value: s.count, labels: { le: '+Inf', [this.label]: v }, metricName: `${this.name}_bucket` });
      out.push({ value: s.sum, labels: { [this.label]: v }, metricName: `${this.name}_sum` });
      out.push({ value: s.count, labels: { [this.label]: v }, metricName: `${this.name}_count` });
    }
    return out;
  }
  reset(): void {
    this.#series = new Map();
  }
}

/** Sampling period of the `nodejs_eventloop_lag_*` metrics. */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(labels: Record<string, string> = {}) {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  // The event-loop delay histogram samples on a timer: prom-client's 10 ms default woke an idle process 100
  // times a second (1.6% of a core at rest, about half of Warden's CPU per request at 47 requests/s).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const scraped = <T extends ScrapedMetric>(m: T): T => {
    registry.registerMetric(m as unknown as Parameters<Registry['registerMetric']>[0]);
    return m;
  };
  return {
    registry,
    requests: scraped(new Counter3('warden_requests_total', 'Data-plane requests by route, served model and outcome code.', ['route', 'model', 'code'])),
    latency: scraped(new Histogram1('warden_request_duration_seconds', 'Time from request to the end of the response.', 'route', LATENCY_BUCKETS)),
    upstreamLatency: scraped(new Histogram1('warden_upstream_duration_seconds', 'Time to upstream response headers.', 'provider', LATENCY_BUCKETS)),
    errors: scraped(new Counter1('warden_errors_total', 'Refused or failed requests by wire error code.', 'code')),
    guardFindings: new Counter({ name: 'warden_guard_findings_total', help: 'Guardrail findings by scanner, finding type and action.', labelNames: ['scanner', 'type', 'action'] as const, registers: [registry] }),
    auditRefused: new Counter({ name: 'warden_audit_queue_full_total', help: 'Requests refused because the audit queue was full.', registers: [registry] }),
    policyVersion: new Counter({ name: 'warden_policy_swaps_total', help: 'Policy snapshots applied by this process.', registers: [registry] }),
  };
}
