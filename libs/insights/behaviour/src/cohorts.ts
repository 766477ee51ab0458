import { createPeriodIndexer, periodStart, type PeriodUnit } from './periods.js';

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
  /** IANA time zone whose calendar draws the period boundaries (SHOP_TIMEZONE); default UTC. */
  readonly timeZone?: string;
}

export interface CohortRow {
  /** Start of the cohort's period (epoch ms): local midnight in the options' time zone. */
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

/**
 * The cohort matrix: one row per (cohort period, breakdown value), earliest first, then by value. From
 * per-user activity: each user becomes their cells (see `cohortCells`), which `cohortsFromCells` sums, so
 * both inputs share one aggregation.
 */
export function buildCohorts(users: Iterable<CohortUser>, opts: CohortOptions): CohortRow[] {
  return cohortsFromCells(cohortCells(users, opts), opts);
}

/**
 * Per-user activity as cohort cells, one per user and activity period from the cohort's period on:
 * users anchored outside [start, end) are left out; `newRepeaters` is 1 in the period holding the
 * user's second order counted from the cohort's period.
 */
export function* cohortCells(users: Iterable<CohortUser>, opts: CohortOptions): Generator<CohortCell> {
  const index = createPeriodIndexer(opts.unit, opts.timeZone ?? 'UTC');
  for (const u of users) {
    if (u.anchor < opts.start || u.anchor >= opts.end) continue;
    const cohortIndex = index(u.anchor);
    // Merged per period, so a user counts once in a period whatever the activity rows say.
    const periods = new Map<number, { at: number; events: number; orders: number; revenue: number }>();
    for (const a of u.activity) {
      const k = index(a.at) - cohortIndex;
      if (k < 0) continue;
      const p = periods.get(k);
      if (p === undefined) periods.set(k, { ...a });
      else {
        p.events += a.events;
        p.orders += a.orders;
        p.revenue += a.revenue;
      }
    }
    let cumulative = 0;
    for (const [, a] of [...periods].sort(([x], [y]) => x - y)) {
      const before = cumulative;
      cumulative += a.orders;
      yield {
        cohortAt: u.anchor,
        dim: u.dim,
        at: a.at,
        active: a.events > 0 ? 1 : 0,
        orders: a.orders,
        revenue: a.revenue,
        newRepeaters: before < 2 && cumulative >= 2 ? 1 : 0,
      };
    }
  }
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

/**
 * Pre-aggregated cohort input, one row per (cohort period, breakdown value, activity period), as a
 * database can compute it in one pass: `active` users of the cohort with events in the period, their
 * `orders` and `revenue` there, and `newRepeaters`, those whose second order (counted from the cohort's
 * period) falls in it. Rows of periods before the cohort's are not expected.
 */
export interface CohortCell {
  /** Any instant inside the cohort's period (epoch ms). */
  readonly cohortAt: number;
  readonly dim: string;
  /** Any instant inside the activity period (epoch ms). */
  readonly at: number;
  readonly active: number;
  readonly orders: number;
  readonly revenue: number;
  readonly newRepeaters: number;
}

/**
 * The cohort matrix from cells: the cohort's size is its activity in period 0 (every
 * user is active in the period of their anchor event); repeat-purchase counts accumulate over periods.
 * Cohorts are those whose period starts in [start, end) per the cells given (the caller filters anchors).
 */
export function cohortsFromCells(cells: Iterable<CohortCell>, opts: CohortOptions): CohortRow[] {
  const tz = opts.timeZone ?? 'UTC';
  const index = createPeriodIndexer(opts.unit, tz);
  const lastPeriod = index(opts.end - 1);
  const groups = new Map<string, Acc & { cohortStart: number; dim: string; length: number }>();
  for (const c of cells) {
    const cohortIndex = index(c.cohortAt);
    const key = `${cohortIndex}\u0000${c.dim}`;
    let g = groups.get(key);
    if (g === undefined) {
      let length = lastPeriod - cohortIndex + 1;
      if (opts.periods !== undefined && opts.periods > 0) length = Math.min(length, opts.periods);
      const zeros = () => new Array<number>(Math.max(0, length)).fill(0);
      g = {
        cohortStart: periodStart(c.cohortAt, opts.unit, tz),
        dim: c.dim,
        length,
        size: 0,
        active: zeros(),
        orders: zeros(),
        revenue: zeros(),
        repeat: zeros(),
      };
      groups.set(key, g);
    }
    const k = index(c.at) - cohortIndex;
    if (k === 0) g.size += c.active;
    if (k < 0 || k >= g.length) continue;
    g.active[k]! += c.active;
    g.orders[k]! += c.orders;
    g.revenue[k]! += c.revenue;
    g.repeat[k]! += c.newRepeaters;
  }
  for (const g of groups.values()) for (let k = 1; k < g.length; k++) g.repeat[k]! += g.repeat[k - 1]!;
  return [...groups.values()]
    .filter((g) => g.size > 0)
    .sort((a, b) => a.cohortStart - b.cohortStart || (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : 0))
    .map((g) => ({
      cohortStart: g.cohortStart,
      dim: g.dim,
      size: g.size,
      values: metricValues(g, opts.metric),
    }));
}
