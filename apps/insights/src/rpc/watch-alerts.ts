import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { WatchAlertsResponseSchema, type InsightsService } from '@broxiva/contracts';
import { ValidationError } from '@broxiva/rpc';
import type { AlertSubscriber } from '../adapters/nats-alerts.js';

export interface WatchAlertsDeps {
  /** Without it (anomaly detection off, or no NATS), WatchAlerts is FailedPrecondition. */
  readonly subscribe?: AlertSubscriber;
}

const METRIC = /^[a-z_]{1,64}$/;

/** WatchAlerts: relays the alerts published on NATS to one client, filtered by metric, until it leaves. */
export function watchAlertsService(deps: WatchAlertsDeps): Partial<ServiceImpl<typeof InsightsService>> {
  return {
    async *watchAlerts(req, ctx) {
      const bad = req.metrics.findIndex((m) => !METRIC.test(m));
      if (bad >= 0) {
        throw new ValidationError([
          { field: `metrics[${bad}]`, rule: 'pattern', description: 'must be a metric name (a-z and _)' },
        ]);
      }
      if (deps.subscribe === undefined) {
        throw new ConnectError(
          'anomaly alerts are off (ENABLE_ANOMALY_DETECTION=false)',
          Code.FailedPrecondition,
        );
      }
      const wanted = new Set(req.metrics);
      for await (const alert of deps.subscribe(ctx.signal)) {
        if (wanted.size === 0 || wanted.has(alert.metric)) yield create(WatchAlertsResponseSchema, { alert });
      }
    },
  };
}
