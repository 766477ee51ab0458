import type { ConnectRouter } from '@connectrpc/connect';
import { MetricsService } from '@broxiva/contracts';
import { metricsService, type MetricsServiceDeps } from './rpc/metrics-service.js';

/** The Metrics app's RPC routes; tests call this with real dependencies. */
export function buildApp(deps: MetricsServiceDeps) {
  return {
    routes(router: ConnectRouter): void {
      router.service(MetricsService, metricsService(deps));
    },
  };
}
