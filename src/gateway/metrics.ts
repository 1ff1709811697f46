/** @module Prometheus metrics of one process: requests, latency, upstream latency, errors by code, guard findings. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics(labels: Record<string, string> = {}) {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({ name: 'warden_requests_total', help: 'Data-plane requests by route, served model and outcome code.', labelNames: ['route', 'model', 'code'] as const, registers: [registry] }),
    latency: new Histogram({ name: 'warden_request_duration_seconds', help: 'Time from request to the end of the response.', labelNames: ['route'] as const, buckets: LATENCY_BUCKETS, registers: [registry] }),
    upstreamLatency: new Histogram({ name: 'warden_upstream_duration_seconds', help: 'Time to upstream response headers.', labelNames: ['provider'] as const, buckets: LATENCY_BUCKETS, registers: [registry] }),
    errors: new Counter({ name: 'warden_errors_total', help: 'Refused or failed requests by wire error code.', labelNames: ['code'] as const, registers: [registry] }),
    guardFindings: new Counter({ name: 'warden_guard_findings_total', help: 'Guardrail findings by scanner, finding type and action.', labelNames: ['scanner', 'type', 'action'] as const, registers: [registry] }),
    auditRefused: new Counter({ name: 'warden_audit_queue_full_total', help: 'Requests refused because the audit queue was full.', registers: [registry] }),
    policyVersion: new Counter({ name: 'warden_policy_swaps_total', help: 'Policy snapshots applied by this process.', registers: [registry] }),
  };
}
