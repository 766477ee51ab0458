import type { Registry } from 'prom-client';
import type { HttpHandler } from './http-routing.js';

/** `GET /metrics` for a service: the registry in Prometheus text format. */
export function prometheusRoute(registry: Registry): HttpHandler {
  return async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  };
}
