import type { Filter } from '@broxiva/contracts';
import {
  attributeDeviation,
  type Contribution,
  type DimensionObservation,
  type Granularity,
} from '@broxiva/insights-domain';
import { addBuckets } from '../buckets.js';
import type { BreakdownLoader } from '../adapters/metrics-series.js';

/** The dimensions an anomaly is explained by, in this order on equal shares. */
export const EXPLAIN_DIMENSIONS = ['region', 'category', 'channel', 'device'] as const;
/** Earlier cycles whose same bucket gives each segment's expected value. */
export const BASELINE_CYCLES = 4;
/** Ratios do not split into parts that add up to the whole: they are not attributed. */
const NOT_ADDITIVE = new Set(['conversion_rate', 'cart_abandonment_rate', 'average_order_value']);

export interface ExplainRequest {
  readonly metric: string;
  readonly filters: readonly Filter[];
  readonly granularity: Granularity;
  /** Cycle length in buckets (24 for hourly); the baseline is the same bucket 1…BASELINE_CYCLES cycles back. */
  readonly period: number;
  /** Start of the anomalous bucket. */
  readonly bucket: Date;
}

/**
 * The dimension values that explain an anomalous bucket: one breakdown query per dimension over the
 * bucket and the same bucket in the earlier cycles, attributed by `attributeDeviation`.
 */
export async function explainBucket(load: BreakdownLoader, r: ExplainRequest): Promise<Contribution[]> {
  if (NOT_ADDITIVE.has(r.metric)) return [];
  const cycle = Math.max(1, r.period);
  const start = addBuckets(r.bucket, r.granularity, -BASELINE_CYCLES * cycle);
  const end = addBuckets(r.bucket, r.granularity, 1);
  const last = BASELINE_CYCLES * cycle;
  const dimensions: DimensionObservation[] = await Promise.all(
    EXPLAIN_DIMENSIONS.map(async (dimension) => {
      const b = await load({
        metric: r.metric,
        filters: r.filters,
        granularity: r.granularity,
        start,
        end,
        dimension,
      });
      const segments = [...b.byValue].map(([value, values]) => ({
        value,
        actual: values[last] ?? 0,
        baseline: Array.from({ length: BASELINE_CYCLES }, (_, j) => values[last - (j + 1) * cycle] ?? 0),
      }));
      return { dimension, segments };
    }),
  );
  return attributeDeviation(dimensions);
}
