import { median } from './stats.js';

/** One value of a dimension in the anomalous bucket, with the same bucket's value in earlier cycles. */
export interface SegmentObservation {
  readonly value: string;
  readonly actual: number;
  /** The segment's value in the same bucket of earlier cycles (e.g. the same hour on the days before). */
  readonly baseline: readonly number[];
}

export interface DimensionObservation {
  readonly dimension: string;
  readonly segments: readonly SegmentObservation[];
}

export interface Contribution {
  readonly dimension: string;
  readonly value: string;
  readonly actual: number;
  /** Median of the segment's baseline (0 when it had none). */
  readonly expected: number;
  /** Share (0–1) of the dimension's whole deviation (Σ actual − expected) this value accounts for. */
  readonly share: number;
}

export interface AttributionOptions {
  /** Smallest share reported; default 0.1. */
  readonly minShare?: number;
  /** Most contributions returned; default 5. */
  readonly limit?: number;
}

/**
 * Which dimension values explain a deviation of an additive metric. Each segment's expected value is the
 * median of its baseline; the dimension's deviation is Σ (actual − expected) over its segments; a segment
 * that moved the same way explains (actual − expected) / deviation of it, capped at 1 (other segments may
 * have moved against it). Contributions of at least `minShare` come back, the largest shares first, ties
 * broken by dimension order, so "85 % of the drop in region eu" leads when one region carries the drop.
 */
export function attributeDeviation(
  dimensions: readonly DimensionObservation[],
  options: AttributionOptions = {},
): Contribution[] {
  const minShare = options.minShare ?? 0.1;
  const out: (Contribution & { order: number })[] = [];
  dimensions.forEach((d, order) => {
    const rows = d.segments.map((s) => ({
      value: s.value,
      actual: s.actual,
      expected: s.baseline.length > 0 ? median(s.baseline) : 0,
    }));
    const deviation = rows.reduce((sum, r) => sum + (r.actual - r.expected), 0);
    if (!(Math.abs(deviation) > 0)) return;
    for (const r of rows) {
      const share = Math.min(1, (r.actual - r.expected) / deviation);
      if (share >= minShare) out.push({ dimension: d.dimension, ...r, share, order });
    }
  });
  out.sort((a, b) => b.share - a.share || a.order - b.order);
  return out.slice(0, options.limit ?? 5).map(({ order: _order, ...c }) => c);
}

/**
 * "orders fell 60 % (expected 120), 85 % of the drop in region eu": one line for a person. `change` is
 * the relative change of the whole metric; the first contribution, if any, is named.
 */
export function describeDeviation(
  metric: string,
  actual: number,
  expected: number,
  top?: Contribution,
): string {
  const verb = actual >= expected ? 'rose' : 'fell';
  const head =
    expected === 0
      ? `${metric} ${verb} to ${round(actual)} (expected 0)`
      : `${metric} ${verb} ${Math.round((Math.abs(actual - expected) / Math.abs(expected)) * 100)} % (expected ${round(expected)})`;
  if (top === undefined) return head;
  const what = actual >= expected ? 'rise' : 'drop';
  return `${head}, ${Math.round(top.share * 100)} % of the ${what} in ${top.dimension} ${top.value}`;
}

const round = (v: number) => Math.round(v * 100) / 100;
