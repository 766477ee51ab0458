import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { AnomalyAlertSchema, type AnomalyAlert } from '@broxiva/contracts';
import { anomalyAlertSubject, type Bus, type Topology } from '@broxiva/bus';

type NatsConnection = Bus['nc'];

/** Publishes an alert (protobuf binary) on core NATS `analytics.alerts.anomaly.<metric>` and flushes. */
export function createAlertPublisher(nc: NatsConnection, topo: Topology) {
  return async (alert: AnomalyAlert): Promise<void> => {
    nc.publish(anomalyAlertSubject(alert.metric, topo), toBinary(AnomalyAlertSchema, alert));
    await nc.flush();
  };
}

/**
 * Alerts as they are published, until `signal` aborts: a core NATS subscription on every metric's
 * alert subject. A message that does not decode is skipped.
 */
export function createAlertSubscriber(nc: NatsConnection, topo: Topology) {
  return async function* subscribe(signal: AbortSignal): AsyncGenerator<AnomalyAlert> {
    const sub = nc.subscribe(`${topo.subjects.anomalyAlerts}.>`);
    const stop = () => sub.unsubscribe();
    signal.addEventListener('abort', stop, { once: true });
    try {
      if (signal.aborted) return;
      for await (const m of sub) {
        let alert: AnomalyAlert;
        try {
          alert = fromBinary(AnomalyAlertSchema, m.data);
        } catch {
          continue;
        }
        yield alert;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
    }
  };
}

export type AlertSubscriber = ReturnType<typeof createAlertSubscriber>;
