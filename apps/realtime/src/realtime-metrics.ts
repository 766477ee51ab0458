import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BatchReport } from './consumers/realtime-handler.js';

/** Freshness and throughput of the live aggregates. */
export function createRealtimeMetrics(registry: Registry, watchers: () => number) {
  const lag = new Gauge({
    name: 'analytics_pipeline_lag_seconds',
    help: 'Seconds from ingest (received_at) to applied in the live aggregates, for the newest event of the last batch',
    registers: [registry],
  });
  const freshness = new Histogram({
    name: 'analytics_realtime_freshness_seconds',
    help: 'Seconds from ingest (received_at) to visible in the live overview, per applied event',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const events = new Counter({
    name: 'analytics_realtime_events_total',
    help: 'Events the realtime consumer handled, by result (applied, duplicate, historical, bot, too-late, no-actor)',
    labelNames: ['result'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'analytics_dead_letters_total',
    help: 'Bus messages sent to the dead-letter stream, by consumer',
    labelNames: ['consumer'],
    registers: [registry],
  });
  new Gauge({
    name: 'analytics_realtime_watchers',
    help: 'Open WatchOverview streams',
    registers: [registry],
    collect() {
      this.set(watchers());
    },
  });
  return {
    onApplied(r: BatchReport): void {
      events.inc({ result: 'applied' }, r.result.applied);
      events.inc({ result: 'duplicate' }, r.result.duplicates);
      for (const [reason, n] of Object.entries(r.skipped)) events.inc({ result: reason }, n);
      if (r.result.applied === 0) return;
      let newest = 0;
      for (const e of r.events) {
        if (e.receivedAt === undefined || e.historical) continue;
        const at = timestampMs(e.receivedAt);
        newest = Math.max(newest, at);
        freshness.observe(Math.max(0, (r.appliedAtMs - at) / 1000));
      }
      if (newest > 0) lag.set(Math.max(0, (r.appliedAtMs - newest) / 1000));
    },
    onDeadLetter(consumer: string): void {
      deadLetters.inc({ consumer });
    },
  };
}
