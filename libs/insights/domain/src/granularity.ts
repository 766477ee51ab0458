/** Bucket sizes the insights math understands, and the seasonal cycles each one can show. */
export type Granularity = 'hour' | 'day' | 'week' | 'month';

export interface Seasonality {
  readonly name: 'daily' | 'weekly' | 'yearly';
  /** Length of one cycle in buckets (fractional for yearly cycles of days and weeks). */
  readonly period: number;
  /** Fourier order: pairs of sin/cos terms, i.e. how sharp a shape the cycle may have. */
  readonly order: number;
}

const CYCLES: Record<Granularity, readonly Seasonality[]> = {
  hour: [
    { name: 'daily', period: 24, order: 10 },
    { name: 'weekly', period: 168, order: 6 },
  ],
  day: [
    { name: 'weekly', period: 7, order: 3 },
    { name: 'yearly', period: 365.25, order: 10 },
  ],
  week: [{ name: 'yearly', period: 365.25 / 7, order: 6 }],
  month: [{ name: 'yearly', period: 12, order: 5 }],
};

/** The cycles a series of `length` buckets can estimate: each needs at least two full cycles of data. */
export function seasonalitiesFor(granularity: Granularity, length: number): Seasonality[] {
  return CYCLES[granularity].filter((s) => length >= 2 * s.period);
}

/** The shortest cycle (the seasonal-naive period), rounded to whole buckets; 1 when none is usable. */
export function primaryPeriod(granularity: Granularity, length: number): number {
  const first = seasonalitiesFor(granularity, length)[0];
  return first === undefined ? 1 : Math.round(first.period);
}

/** Bucket length in hours, to turn `lookback_hours` and horizons in days into bucket counts. */
export const HOURS_PER_BUCKET: Record<Granularity, number> = { hour: 1, day: 24, week: 168, month: 730.5 };
