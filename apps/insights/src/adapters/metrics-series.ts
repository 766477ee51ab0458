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

/** One QueryMetrics row placed on the query's bucket grid: its bucket index and dimension value. */
interface GridCell {
  readonly k: number;
  readonly value: string;
  readonly amount: number;
}

/**
 * Asks MetricsService.QueryMetrics for the metric (by `dimension` when given) and places each row on the
 * gap-free grid of `bucketsBetween(start, end)` buckets; rows outside it are dropped.
 */
async function queryOnGrid(
  client: Client<typeof MetricsService>,
  q: SeriesQuery,
  dimension?: string,
): Promise<{ readonly n: number; readonly cells: GridCell[] }> {
  const res = await client.queryMetrics(
    create(QueryMetricsRequestSchema, {
      startDate: timestampFromDate(q.start),
      endDate: timestampFromDate(q.end),
      metrics: [q.metric],
      dimensions: dimension === undefined ? [] : [dimension],
      filters: [...q.filters],
      granularity: toProto[q.granularity],
      timezone: 'UTC',
    }),
  );
  const n = bucketsBetween(q.start, q.end, q.granularity) ?? 0;
  const cells: GridCell[] = [];
  for (const row of res.rows) {
    if (row.time === undefined) continue;
    const k = bucketsBetween(q.start, timestampDate(row.time), q.granularity);
    if (k === undefined || k < 0 || k >= n) continue;
    // Events without the dimension (e.g. no region resolved) form their own segment.
    const value = dimension === undefined ? '' : row.dimensions[dimension] || '(none)';
    cells.push({ k, value, amount: row.values[q.metric] ?? 0 });
  }
  return { n, cells };
}

/**
 * Loads a stored metric through MetricsService.QueryMetrics. Buckets the rollups do not return had no
 * events, so they count as 0 (a rollup row exists only where something happened).
 */
export function createMetricsSeriesLoader(client: Client<typeof MetricsService>): SeriesLoader {
  return async (q) => {
    const { n, cells } = await queryOnGrid(client, q);
    const values = new Array<number>(n).fill(0);
    for (const c of cells) values[c.k] = values[c.k]! + c.amount;
    return { start: q.start, values };
  };
}

/** A metric split by one dimension, each value on the same gap-free grid as `LoadedSeries`. */
export interface LoadedBreakdown {
  readonly start: Date;
  readonly byValue: ReadonlyMap<string, number[]>;
}

export type BreakdownLoader = (q: SeriesQuery & { readonly dimension: string }) => Promise<LoadedBreakdown>;

/**
 * Loads a stored metric broken down by one dimension through MetricsService.QueryMetrics. As for a
 * series, a bucket a value has no rollup row for had no events and counts as 0.
 */
export function createMetricsBreakdownLoader(client: Client<typeof MetricsService>): BreakdownLoader {
  return async (q) => {
    const { n, cells } = await queryOnGrid(client, q, q.dimension);
    const byValue = new Map<string, number[]>();
    for (const c of cells) {
      let values = byValue.get(c.value);
      if (values === undefined) byValue.set(c.value, (values = new Array<number>(n).fill(0)));
      values[c.k] = values[c.k]! + c.amount;
    }
    return { start: q.start, byValue };
  };
}
