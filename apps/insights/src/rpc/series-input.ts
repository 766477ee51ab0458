import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Granularity as ProtoGranularity, type InlineSeries, type StoredMetric } from '@broxiva/contracts';
import { ValidationError } from '@broxiva/rpc';
import type { Granularity } from '@broxiva/insights-domain';
import { addBuckets, bucketsBetween, bucketStart } from '../buckets.js';
import type { LoadedSeries, SeriesLoader } from '../adapters/metrics-series.js';

/** Longest inline series or horizon accepted, to bound the work of one call. */
export const MAX_POINTS = 50_000;

export function fromProtoGranularity(g: ProtoGranularity): Granularity | undefined {
  switch (g) {
    case ProtoGranularity.HOUR:
      return 'hour';
    case ProtoGranularity.DAY:
      return 'day';
    case ProtoGranularity.WEEK:
      return 'week';
    case ProtoGranularity.MONTH:
      return 'month';
    default:
      return undefined;
  }
}

/** The spacing of an inline series when the request names none: the smallest gap between points. */
function inferGranularity(times: readonly Date[]): Granularity {
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]!.getTime() - times[i - 1]!.getTime());
  if (gap < 86_400_000) return 'hour';
  if (gap < 7 * 86_400_000) return 'day';
  if (gap < 28 * 86_400_000) return 'week';
  return 'month';
}

/**
 * An inline series on its bucket grid: points must be in time order on whole buckets from the first;
 * buckets with no point become missing values (NaN), which the models interpolate.
 */
export function inlineToGrid(
  series: InlineSeries,
  requested: Granularity | undefined,
): LoadedSeries & { granularity: Granularity } {
  const points = series.points;
  if (points.length > MAX_POINTS) {
    throw new ValidationError([
      { field: 'series.points', rule: 'max_points', description: `at most ${MAX_POINTS} points` },
    ]);
  }
  const times = points.map((p, i) => {
    if (p.time === undefined) {
      throw new ValidationError([
        { field: `series.points[${i}].time`, rule: 'required', description: 'is required' },
      ]);
    }
    return timestampDate(p.time);
  });
  const granularity = requested ?? inferGranularity(times);
  const start = times[0] ?? new Date(0);
  const values: number[] = [];
  points.forEach((p, i) => {
    const k = bucketsBetween(start, times[i]!, granularity);
    if (k === undefined || k < values.length || k >= MAX_POINTS) {
      throw new ValidationError([
        {
          field: `series.points[${i}].time`,
          rule: 'even_spacing',
          description: `must be after the previous point, a whole number of ${granularity} buckets from the first`,
        },
      ]);
    }
    while (values.length < k) values.push(NaN);
    values.push(Number.isFinite(p.value) ? p.value : NaN);
  });
  return { start, values, granularity };
}

/** A stored metric over the `buckets` whole buckets ending before the one holding `now`. */
export async function loadStored(
  load: SeriesLoader,
  metric: StoredMetric,
  granularity: Granularity,
  buckets: number,
  now: Date,
): Promise<LoadedSeries> {
  if (metric.metric === '') {
    throw new ValidationError([{ field: 'metric.metric', rule: 'required', description: 'is required' }]);
  }
  // The current bucket is still filling: a forecast or alert from it would see a false drop.
  const end = bucketStart(now, granularity);
  return load({
    metric: metric.metric,
    filters: metric.filters,
    granularity,
    start: addBuckets(end, granularity, -buckets),
    end,
  });
}
