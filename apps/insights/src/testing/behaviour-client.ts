import { createClient, createRouterTransport, type Client } from '@connectrpc/connect';
import { InsightsService } from '@broxiva/contracts';
import { errorInterceptor } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { buildApp } from '../app.js';
import type { BehaviourDeps } from '../rpc/behaviour-service.js';

/**
 * An InsightsService client on the app's routes in memory (errors mapped as in production), with the
 * behaviour RPCs reading `store`; every behaviour feature on, UTC, unless `settings` says otherwise.
 * Series (forecasts, anomalies) have no stored metrics here.
 */
export function behaviourClient(deps: {
  readonly store: BehaviourDeps['store'];
  readonly now: () => Date;
  readonly conversion?: BehaviourDeps['conversion'];
  readonly settings?: Partial<BehaviourDeps['settings']>;
}): Client<typeof InsightsService> {
  const app = buildApp({
    loadSeries: () => Promise.reject(new Error('no stored metrics here')),
    now: deps.now,
    settings: { forecasting: true, anomalyDetection: true, horizonDays: 30, sensitivity: 0.95 },
    behaviour: {
      store: deps.store,
      now: deps.now,
      settings: {
        cohorts: true,
        funnels: true,
        journeys: true,
        sessionTimeoutSeconds: 1800,
        timeZone: 'UTC',
        ...deps.settings,
      },
      ...(deps.conversion === undefined ? {} : { conversion: deps.conversion }),
    },
  });
  const logger = createLogger({ service: 'insights-test', level: 'FATAL' });
  const transport = createRouterTransport(app.routes, {
    router: { interceptors: [errorInterceptor(logger)] },
  });
  return createClient(InsightsService, transport);
}
