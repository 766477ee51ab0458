import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  BreakdownSchema,
  Granularity as GranularityMsg,
  MetricRowSchema,
  PointSchema,
  QueryMetricsResponseSchema,
  type Breakdown,
  type Point,
  type QueryMetricsRequest,
  type QueryMetricsResponse,
} from '@broxiva/contracts';
import type { MetricResult } from '@broxiva/metrics-data-access';
import type { Granularity, MetricQueryInput } from '@broxiva/metrics-domain';

const date = (t: Timestamp | undefined): Date | undefined => (t === undefined ? undefined : timestampDate(t));

const GRANULARITIES: Readonly<Record<GranularityMsg, Granularity | undefined>> = {
  [GranularityMsg.UNSPECIFIED]: undefined,
  [GranularityMsg.HOUR]: 'hour',
  [GranularityMsg.DAY]: 'day',
  [GranularityMsg.WEEK]: 'week',
  [GranularityMsg.MONTH]: 'month',
};

export const granularityOf = (g: GranularityMsg): Granularity | undefined => GRANULARITIES[g];

/** The request as the domain validates it. */
export function toQueryInput(r: QueryMetricsRequest): MetricQueryInput {
  return {
    start: date(r.startDate),
    end: date(r.endDate),
    metrics: r.metrics,
    dimensions: r.dimensions,
    filters: r.filters.map((f) => ({ dimension: f.dimension, values: f.values, negate: f.negate })),
    granularity: granularityOf(r.granularity),
    timeZone: r.timezone,
    comparePrevious: r.comparePrevious,
  };
}

const numbers = (m: Partial<Record<string, number>> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, number] => e[1] !== undefined));

export function toQueryResponse(r: MetricResult): QueryMetricsResponse {
  return create(QueryMetricsResponseSchema, {
    rows: r.rows.map((row) =>
      create(MetricRowSchema, {
        time: row.time === undefined ? undefined : timestampFromDate(row.time),
        dimensions: numbersToStrings(row.dimensions),
        values: numbers(row.values),
      }),
    ),
    totals: numbers(r.totals),
    previousTotals: numbers(r.previousTotals),
    changePercent: numbers(r.changePercent),
  });
}

function numbersToStrings(d: Partial<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(d).filter((e): e is [string, string] => e[1] !== undefined));
}

export const point = (time: Date, value: number): Point =>
  create(PointSchema, { time: timestampFromDate(time), value });
export const breakdown = (key: string, value: number): Breakdown => create(BreakdownSchema, { key, value });
