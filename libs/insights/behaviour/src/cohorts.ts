import { periodsBetween, periodStart, type PeriodUnit } from './periods.js';

/** One user's activity in one calendar period. */
export interface PeriodActivity {
  /** Any instant inside the period (epoch ms). */
  readonly at: number;
  readonly events: number;
  readonly orders: number;
  readonly revenue: number;
}

/** A user with the instant that puts them in a cohort (first event, or first purchase) and their activity. */
export interface CohortUser {
  readonly anchor: number;
  /** The breakdown value on the anchoring event ('' when none or no breakdown). */
  readonly dim: string;
  readonly activity: readonly PeriodActivity[];
}

/**
 * - `retention`: share (0-1) of the cohort with any event in period k.
 * - `revenue_per_user`: revenue in period k divided by the cohort's size.
 * - `orders`: number of orders (purchase events) in period k.
 * - `repeat_purchase_rate`: share (0-1) of the cohort with two or more orders by the end of period k.
 */
export type CohortMetric = 'retention' | 'revenue_per_user' | 'orders' | 'repeat_purchase_rate';

export interface CohortOptions {
  readonly unit: PeriodUnit;
  readonly metric: CohortMetric;
  /** Cohorts whose anchor is in [start, end) are reported, with periods up to the one holding end - 1 ms. */
  readonly start: number;
  readonly end: number;
  /** At most this many periods per cohort (period 0 included); 0 or absent = up to `end`. */
  readonly periods?: number;
}

export interface CohortRow {
  /** Start of the cohort's period (epoch ms, UTC). */
  readonly cohortStart: number;
  readonly dim: string;
  readonly size: number;
  /** values[k]: the metric in period k after the cohort's period. */
  readonly values: readonly number[];
}

interface Acc {
  size: number;
  active: number[];
  orders: number[];
  revenue: number[];
  repeat: number[];
}

/** The cohort matrix: one row per (cohort period, breakdown value), earliest first, then by value. */
export function buildCohorts(users: Iterable<CohortUser>, opts: CohortOptions): CohortRow[] {
  const groups = new Map<string, Acc & { cohortStart: number; dim: string; length: number }>();
  const lastPeriodAt = opts.end - 1;
  for (const u of users) {
    if (u.anchor < opts.start || u.anchor >= opts.end) continue;
    const cohortStart = periodStart(u.anchor, opts.unit);
    const key = `${cohortStart}\u0000${u.dim}`;
    let g = groups.get(key);
    if (g === undefined) {
      let length = periodsBetween(cohortStart, lastPeriodAt, opts.unit) + 1;
      if (opts.periods !== undefined && opts.periods > 0) length = Math.min(length, opts.periods);
      const zeros = () => new Array<number>(length).fill(0);
      g = {
        cohortStart,
        dim: u.dim,
        length,
        size: 0,
        active: zeros(),
        orders: zeros(),
        revenue: zeros(),
        repeat: zeros(),
      };
      groups.set(key, g);
    }
    g.size++;
    const ordersIn = new Array<number>(g.length).fill(0);
    for (const a of u.activity) {
      const k = periodsBetween(cohortStart, a.at, opts.unit);
      if (k < 0 || k >= g.length) continue;
      if (a.events > 0) g.active[k]!++;
      g.orders[k]! += a.orders;
      g.revenue[k]! += a.revenue;
      ordersIn[k]! += a.orders;
    }
    let cumulative = 0;
    for (let k = 0; k < g.length; k++) {
      cumulative += ordersIn[k]!;
      if (cumulative >= 2) g.repeat[k]!++;
    }
  }
  return [...groups.values()]
    .sort((a, b) => a.cohortStart - b.cohortStart || (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : 0))
    .map((g) => ({
      cohortStart: g.cohortStart,
      dim: g.dim,
      size: g.size,
      values: metricValues(g, opts.metric),
    }));
}

function metricValues(g: Acc, metric: CohortMetric): number[] {
  switch (metric) {
    case 'retention':
      return g.active.map((v) => v / g.size);
    case 'revenue_per_user':
      return g.revenue.map((v) => v / g.size);
    case 'orders':
      return [...g.orders];
    case 'repeat_purchase_rate':
      return g.repeat.map((v) => v / g.size);
  }
}
