import type { Event } from '@broxiva/contracts';
import type { WriteResult } from '@broxiva/event-store';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Counter, Gauge, type Registry } from 'prom-client';

const RATE_WINDOW_MS = 10_000;

/** Pipeline health of the event store, with the product's documented metric names. */
export function createStoreMetrics(registry: Registry, now: () => number = Date.now) {
  const stored = new Counter({
    name: 'analytics_events_stored_total',
    help: 'Events written to the event store',
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'analytics_events_store_duplicates_total',
    help: 'Events the store already held (redeliveries, resends), not written again',
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'analytics_dead_letters_total',
    help: 'Bus messages sent to the dead-letter stream, by consumer',
    labelNames: ['consumer'],
    registers: [registry],
  });
  // Events stored per second over the last 10 s: a sliding window of (time, count) samples.
  const samples: { at: number; n: number }[] = [];
  new Gauge({
    name: 'analytics_events_processed_per_second',
    help: 'Events written to the store per second, over the last 10 s',
    registers: [registry],
    collect() {
      const since = now() - RATE_WINDOW_MS;
      while (samples.length > 0 && (samples[0]?.at ?? 0) < since) samples.shift();
      this.set(samples.reduce((sum, s) => sum + s.n, 0) / (RATE_WINDOW_MS / 1000));
    },
  });
  const lag = new Gauge({
    name: 'analytics_pipeline_lag_seconds',
    help: 'Seconds from ingest (received_at) to commit in the store, for the newest event of the last batch',
    registers: [registry],
  });
  return {
    onStored(events: readonly Event[], result: WriteResult): void {
      stored.inc(result.inserted);
      skipped.inc(result.duplicates);
      samples.push({ at: now(), n: result.inserted });
      const newest = events.reduce((m, e) => Math.max(m, e.receivedAt ? timestampMs(e.receivedAt) : 0), 0);
      if (newest > 0) lag.set(Math.max(0, (now() - newest) / 1000));
    },
    onDeadLetter(consumer: string): void {
      deadLetters.inc({ consumer });
    },
  };
}
