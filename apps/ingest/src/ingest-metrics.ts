import { EventStatus, type EventResult } from '@broxiva/contracts';
import { Counter, type Registry } from 'prom-client';

/** The Ingest app's Prometheus series, with the product's documented names where it has them. */
export function createIngestMetrics(registry: Registry) {
  const accepted = new Counter({
    name: 'analytics_events_total',
    help: 'Events accepted, by event type',
    labelNames: ['type'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'analytics_events_duplicate_total',
    help: 'Events answered duplicate (already accepted within the dedup window)',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'analytics_events_rejected_total',
    help: 'Events refused, by the first rule they broke',
    labelNames: ['rule'],
    registers: [registry],
  });
  const dedupErrors = new Counter({
    name: 'analytics_ingest_dedup_errors_total',
    help: 'Dedup-window lookups that failed (Redis unreachable); ingest carried on without them',
    registers: [registry],
  });
  return {
    onResult(eventType: string, r: EventResult): void {
      if (r.status === EventStatus.ACCEPTED) accepted.inc({ type: eventType });
      else if (r.status === EventStatus.DUPLICATE) duplicates.inc();
      else rejected.inc({ rule: r.violations[0]?.rule ?? 'unknown' });
    },
    onDedupError(): void {
      dedupErrors.inc();
    },
  };
}
