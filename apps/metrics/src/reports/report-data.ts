import type { MetricsSource } from '@broxiva/metrics-data-access';
import { bucketStarts, changePercent, type DimensionName, type MetricName } from '@broxiva/metrics-domain';
import { summarize } from '../summaries.js';

/** Which numbers a report needs. */
export interface ReportSpec {
  /** Totals (with the previous period's and the change). */
  readonly metrics: readonly MetricName[];
  /** Daily series, zero-filled. */
  readonly series: readonly MetricName[];
  /** Top values of each breakdown dimension are ranked by this metric. */
  readonly rankBy: MetricName;
  readonly breakdowns: readonly DimensionName[];
}

export interface Range {
  readonly start: Date;
  readonly end: Date;
}

export interface Point {
  readonly time: Date;
  readonly value: number;
}

/** The numbers of one report: what the pure document builders turn into tables and charts. */
export interface ReportData {
  readonly range: Range;
  /** The period compared with: the same length just before, or the calendar month before. */
  readonly previous: Range;
  readonly timeZone: string;
  readonly currency: string;
  readonly totals: Partial<Record<MetricName, number>>;
  readonly previousTotals: Partial<Record<MetricName, number>>;
  /** Absent for a metric whose previous total is 0. */
  readonly changePercent: Partial<Record<MetricName, number>>;
  readonly series: Partial<Record<MetricName, Point[]>>;
  readonly top: Partial<Record<DimensionName, { key: string; value: number }[]>>;
}

/**
 * Loads a report's numbers through the metric reader (rollups where they answer): `summarize` for the
 * totals, the first series and the top lists, one daily query for further series, and, when `previous`
 * is given (a calendar month rather than the period of the same length), one query for its totals.
 */
export async function loadReportData(
  source: MetricsSource,
  range: Range,
  spec: ReportSpec,
  ctx: { timeZone: string; currency: string; previous?: Range },
): Promise<ReportData> {
  const [first, ...rest] = spec.series;
  if (first === undefined) throw new Error('a report needs at least one series');
  const daily = { ...range, granularity: 'day' as const, timeZone: ctx.timeZone };
  const s = await summarize(source, daily, spec.metrics, first, spec.rankBy, spec.breakdowns);
  const series: Partial<Record<MetricName, Point[]>> = { [first]: s.series };
  if (rest.length > 0) {
    const r = await source.query({
      ...daily,
      metrics: rest,
      dimensions: [],
      filters: [],
      comparePrevious: false,
    });
    const byTime = new Map(r.rows.map((row) => [row.time?.getTime(), row.values]));
    const buckets = bucketStarts(range.start, range.end, 'day', ctx.timeZone);
    for (const m of rest) {
      series[m] = buckets.map((time) => ({ time, value: byTime.get(time.getTime())?.[m] ?? 0 }));
    }
  }
  const base = {
    range,
    timeZone: ctx.timeZone,
    currency: ctx.currency,
    totals: s.totals,
    series,
    top: s.top,
  };
  if (ctx.previous === undefined) {
    const length = range.end.getTime() - range.start.getTime();
    return {
      ...base,
      previous: { start: new Date(range.start.getTime() - length), end: range.start },
      previousTotals: s.previousTotals,
      changePercent: s.changePercent,
    };
  }
  const p = await source.query({
    start: ctx.previous.start,
    end: ctx.previous.end,
    metrics: spec.metrics,
    dimensions: [],
    filters: [],
    granularity: undefined,
    timeZone: ctx.timeZone,
    comparePrevious: false,
  });
  const change: Partial<Record<MetricName, number>> = {};
  for (const m of spec.metrics) {
    const c = changePercent(s.totals[m] ?? 0, p.totals[m] ?? 0);
    if (c !== undefined) change[m] = c;
  }
  return { ...base, previous: ctx.previous, previousTotals: p.totals, changePercent: change };
}
