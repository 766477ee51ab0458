import type { MetricResult, MetricsSource, QueryOptions } from '@broxiva/metrics-data-access';
import {
  bucketStarts,
  type DimensionName,
  type Granularity,
  type MetricName,
  type MetricQuery,
} from '@broxiva/metrics-domain';

export const TOP_N = 10;

export interface SummaryRange {
  readonly start: Date;
  readonly end: Date;
  readonly granularity: Granularity;
  readonly timeZone: string;
}

export interface Summary {
  readonly totals: Partial<Record<MetricName, number>>;
  readonly previousTotals: Partial<Record<MetricName, number>>;
  readonly changePercent: Partial<Record<MetricName, number>>;
  /** One value per bucket of the range, zero where nothing happened. */
  readonly series: { time: Date; value: number }[];
  /** Per dimension, the TOP_N values by the ranking metric, largest first (ties by name). */
  readonly top: Partial<Record<DimensionName, { key: string; value: number }[]>>;
}

/**
 * A summary over a range: totals with the previous period, a zero-filled series of `seriesMetric`, and
 * top values by `rankBy` for each breakdown dimension. Three or more queries on the same reader.
 */
export async function summarize(
  reader: MetricsSource,
  range: SummaryRange,
  metrics: readonly MetricName[],
  seriesMetric: MetricName,
  rankBy: MetricName,
  breakdowns: readonly DimensionName[],
  options: QueryOptions = {},
): Promise<Summary> {
  const base: MetricQuery = {
    start: range.start,
    end: range.end,
    metrics,
    dimensions: [],
    filters: [],
    granularity: range.granularity,
    timeZone: range.timeZone,
    comparePrevious: true,
  };
  const main = await reader.query(base, options);
  const byTime = new Map(main.rows.map((r) => [r.time?.getTime(), r.values[seriesMetric] ?? 0]));
  const series = bucketStarts(range.start, range.end, range.granularity, range.timeZone).map((time) => ({
    time,
    value: byTime.get(time.getTime()) ?? 0,
  }));
  const top: Summary['top'] = {};
  for (const d of breakdowns) {
    const r: MetricResult = await reader.query(
      { ...base, metrics: [rankBy], dimensions: [d], granularity: undefined, comparePrevious: false },
      options,
    );
    top[d] = r.rows
      .map((row) => ({ key: row.dimensions[d] ?? '', value: row.values[rankBy] ?? 0 }))
      // Events without the dimension (e.g. page views have no category) are no "top" value.
      .filter((b) => b.key !== '')
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key))
      .slice(0, TOP_N);
  }
  return {
    totals: main.totals,
    previousTotals: main.previousTotals ?? {},
    changePercent: main.changePercent ?? {},
    series,
    top,
  };
}
