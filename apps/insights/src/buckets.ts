import type { Granularity } from '@broxiva/insights-domain';

/** Start of the bucket holding `t` (UTC; weeks start on Monday, as ISO weeks). */
export function bucketStart(t: Date, g: Granularity): Date {
  const d = new Date(t.getTime());
  if (g === 'hour') d.setUTCMinutes(0, 0, 0);
  else d.setUTCHours(0, 0, 0, 0);
  if (g === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (g === 'month') d.setUTCDate(1);
  return d;
}

/** The bucket `k` steps after `t` (k may be negative). */
export function addBuckets(t: Date, g: Granularity, k: number): Date {
  const d = new Date(t.getTime());
  if (g === 'hour') d.setUTCHours(d.getUTCHours() + k);
  else if (g === 'day') d.setUTCDate(d.getUTCDate() + k);
  else if (g === 'week') d.setUTCDate(d.getUTCDate() + 7 * k);
  else d.setUTCMonth(d.getUTCMonth() + k);
  return d;
}

/** Whole buckets from `a` to `b`, or undefined when b is not on a's grid. */
export function bucketsBetween(a: Date, b: Date, g: Granularity): number | undefined {
  if (g === 'month') {
    const k = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
    return addBuckets(a, g, k).getTime() === b.getTime() ? k : undefined;
  }
  const step = g === 'hour' ? 3_600_000 : g === 'day' ? 86_400_000 : 7 * 86_400_000;
  const k = (b.getTime() - a.getTime()) / step;
  return Number.isInteger(k) ? k : undefined;
}
