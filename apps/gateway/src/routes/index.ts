import type { Logger } from '@broxiva/telemetry';
import type { Registry } from 'prom-client';
import type { ServiceClients } from '../clients.js';
import type { Route } from '../http/route.js';
import { dashboardRoutes } from './dashboard.js';
import { eventRoutes } from './events.js';
import { grpcHealthProbe, healthRoutes, type Probe } from './health.js';
import { insightsRoutes } from './insights.js';
import { realtimeRoutes } from './realtime.js';

export interface AllRoutesDeps {
  readonly clients: ServiceClients;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Most single events sharing one TrackBatch call (see eventRoutes). */
  readonly coalesceMaxEvents?: number;
  /** Extra readiness probes (Redis). */
  readonly probes?: Readonly<Record<string, Probe>>;
}

/** Every route of the public REST API, in the order the OpenAPI document lists them. */
export function allRoutes(deps: AllRoutesDeps): Route[] {
  const { clients, timeoutMs, logger } = deps;
  return [
    ...eventRoutes({
      ingest: clients.ingest,
      ingestEncoded: clients.ingestEncoded,
      timeoutMs,
      ...(deps.coalesceMaxEvents === undefined ? {} : { coalesceMaxEvents: deps.coalesceMaxEvents }),
    }),
    ...realtimeRoutes({ realtime: clients.realtime, timeoutMs, logger }),
    ...dashboardRoutes({ metrics: clients.metrics, timeoutMs }),
    ...insightsRoutes({ insights: clients.insights, timeoutMs }),
    ...healthRoutes({
      registry: deps.registry,
      logger,
      timeoutMs: 1000,
      probes: {
        ingest: grpcHealthProbe(clients.health.ingest),
        realtime: grpcHealthProbe(clients.health.realtime),
        metrics: grpcHealthProbe(clients.health.metrics),
        insights: grpcHealthProbe(clients.health.insights),
        ...deps.probes,
      },
    }),
  ];
}
