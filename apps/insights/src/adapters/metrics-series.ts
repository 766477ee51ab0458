import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import {
  Granularity as ProtoGranularity,
  QueryMetricsRequestSchema,
  type Filter,
  type MetricsService,
} from '@broxiva/contracts';
import type { Granularity } from '@broxiva/insights-domain';
import { bucketsBetween } from '../buckets.js';

export interface SeriesQuery {
  readonly metric: string;
  readonly filters: readonly Filter[];
  readonly granularity: Granularity;
  /** First bucket (inclusive) and end (exclusive), both on the bucket grid. */
  readonly start: Date;
  readonly end: Date;
}

/** A metric on a gap-free bucket grid: `values[k]` belongs to `start` + k buckets. */
export interface LoadedSeries {
  readonly start: Date;
  readonly values: number[];
}

export type SeriesLoader = (q: SeriesQuery) => Promise<LoadedSeries>;

const toProto: Record<Granularity, ProtoGranularity> = {
  hour: ProtoGranularity.HOUR,
  day: ProtoGranularity.DAY,
  week: ProtoGranularity.WEEK,
  month: ProtoGranularity.MONTH,
};

/**
 * Loads a stored metric through MetricsService.QueryMetrics. Buckets the rollups do not return had no
 * events, so they count as 0 (a rollup row exists only where something happened).
 */
export function createMetricsSeriesLoader(client: Client<typeof MetricsService>): SeriesLoader {
  return async (q) => {
    const res = await client.queryMetrics(
      create(QueryMetricsRequestSchema, {
        startDate: timestampFromDate(q.start),
        endDate: timestampFromDate(q.end),
        metrics: [q.metric],
        filters: [...q.filters],
        granularity: toProto[q.granularity],
        timezone: 'UTC',
      }),
    );
    const n = bucketsBetween(q.start, q.end, q.granularity) ?? 0;
    const values = new Array<number>(n).fill(0);
    for (const row of res.rows) {
      if (row.time === undefined) continue;
      const k = bucketsBetween(q.start, timestampDate(row.time), q.granularity);
      if (k !== undefined && k >= 0 && k < n) values[k] = values[k]! + (row.values[q.metric] ?? 0);
    }
    return { start: q.start, values };
  };
}
