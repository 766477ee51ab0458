import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AnomalyAlertSchema,
  Granularity as ProtoGranularity,
  StoredMetricSchema,
  type AnomalyAlert,
} from '@broxiva/contracts';
import { detectAnomaliesCausal, primaryPeriod, type Granularity } from '@broxiva/insights-domain';
import { addBuckets } from '../buckets.js';
import type { BreakdownLoader, SeriesLoader } from '../adapters/metrics-series.js';
import { explainBucket } from '../rpc/anomaly-contributors.js';
import { anomalyMessage } from '../rpc/insights-service.js';
import { loadStored } from '../rpc/series-input.js';

/** The metrics continuous detection watches. */
export const WATCHED_METRICS = ['orders', 'revenue', 'sessions'] as const;
/** Hourly buckets the check learns from: a week, so the daily cycle and the noise level are known. */
export const CHECK_CONTEXT_BUCKETS = 24 * 7;
/** How long an alert id is remembered: longer than the bucket stays the latest one checked. */
export const ALERT_DEDUP_TTL_SECONDS = 2 * 86_400;

export interface AnomalyCheckDeps {
  readonly loadSeries: SeriesLoader;
  readonly loadBreakdown?: BreakdownLoader;
  /** True the first time an id is claimed within the TTL (Redis SET NX EX), false for a repeat. */
  readonly claim: (id: string, ttlSeconds: number) => Promise<boolean>;
  /** Forgets a claim whose alert could not be published, so the next check retries it. */
  readonly release: (id: string) => Promise<void>;
  readonly publish: (alert: AnomalyAlert) => Promise<void>;
  readonly now: () => Date;
  readonly sensitivity: number;
  readonly metrics?: readonly string[];
}

const G: Granularity = 'hour';

/** `<metric>:<granularity>:<bucket start>:<direction>`: one alert per metric, bucket and direction. */
export const alertId = (metric: string, bucket: Date, direction: string): string =>
  `${metric}:${G}:${bucket.toISOString()}:${direction}`;

/**
 * One pass of continuous detection: for each watched metric, the last complete hourly bucket judged
 * causally (from the week before it); an anomaly there becomes an alert, explained by dimension,
 * claimed by id and published once. Resolves the alerts it published.
 */
export async function checkAnomalies(deps: AnomalyCheckDeps): Promise<AnomalyAlert[]> {
  const published: AnomalyAlert[] = [];
  const now = deps.now();
  for (const metric of deps.metrics ?? WATCHED_METRICS) {
    const series = await loadStored(
      deps.loadSeries,
      create(StoredMetricSchema, { metric }),
      G,
      CHECK_CONTEXT_BUCKETS,
      now,
    );
    const last = series.values.length - 1;
    const period = primaryPeriod(G, series.values.length);
    const found = detectAnomaliesCausal(series.values, { period, sensitivity: deps.sensitivity }).find(
      (a) => a.index === last,
    );
    if (found === undefined) continue;
    const bucket = addBuckets(series.start, G, last);
    const id = alertId(metric, bucket, found.direction);
    if (!(await deps.claim(id, ALERT_DEDUP_TTL_SECONDS))) continue;
    try {
      const contributors =
        deps.loadBreakdown === undefined
          ? []
          : await explainBucket(deps.loadBreakdown, { metric, filters: [], granularity: G, period, bucket });
      const alert = create(AnomalyAlertSchema, {
        id,
        metric,
        granularity: ProtoGranularity.HOUR,
        anomaly: anomalyMessage(metric, series.start, G, found, contributors),
        detectedAt: timestampFromDate(now),
      });
      await deps.publish(alert);
      published.push(alert);
    } catch (err) {
      await deps.release(id);
      throw err;
    }
  }
  return published;
}
