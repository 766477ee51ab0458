import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Set as the `service` label of every series, so one Prometheus job can scrape all services. */
  readonly service: string;
}

/**
 * A fresh prom-client registry (never the global one, so tests and several servers in one process do
 * not collide) with Node's default metrics. Apps register their own counters on it and serve
 * `registry.metrics()` with `registry.contentType` at GET /metrics.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
