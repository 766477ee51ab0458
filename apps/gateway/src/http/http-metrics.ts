import { Counter, Histogram, type Registry } from 'prom-client';

/** HTTP request counters and latency, labelled by route template (never the raw path: ids would explode it). */
export function createHttpMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests answered by the gateway.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Time from request to response end, by route.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe(method: string, route: string, status: number, seconds: number): void {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
