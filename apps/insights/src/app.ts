import type { ConnectRouter } from '@connectrpc/connect';
import { InsightsService } from '@broxiva/contracts';
import { behaviourService, type BehaviourDeps } from './rpc/behaviour-service.js';
import { insightsService, type InsightsServiceDeps } from './rpc/insights-service.js';
import { watchAlertsService, type WatchAlertsDeps } from './rpc/watch-alerts.js';

export interface AppDeps extends InsightsServiceDeps {
  /** Funnels, cohorts and journeys over the event store; without it those RPCs are not served. */
  readonly behaviour?: BehaviourDeps;
  /** Live anomaly alerts for WatchAlerts; without it that RPC is FailedPrecondition. */
  readonly alerts?: WatchAlertsDeps;
}

/** The Insights app's RPC routes; tests call this with real or in-memory dependencies. */
export function buildApp(deps: AppDeps) {
  return {
    routes(router: ConnectRouter): void {
      router.service(InsightsService, {
        ...insightsService(deps),
        ...watchAlertsService(deps.alerts ?? {}),
        ...(deps.behaviour === undefined ? {} : behaviourService(deps.behaviour)),
      });
    },
  };
}
