import { DIMENSION_NAMES, METRIC_NAMES, isDimensionName, isMetricName } from './catalogue.js';
import type { DimensionName, MetricName } from './catalogue.js';

export type Granularity = 'hour' | 'day' | 'week' | 'month';

export interface DimensionFilter {
  readonly dimension: DimensionName;
  readonly values: readonly string[];
  readonly negate: boolean;
}

/** A validated query: names from the catalogue, a forward range, a known time zone. */
export interface MetricQuery {
  /** Inclusive. */
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
  readonly metrics: readonly MetricName[];
  readonly dimensions: readonly DimensionName[];
  readonly filters: readonly DimensionFilter[];
  /** Undefined: one row per dimension combination over the whole range. */
  readonly granularity: Granularity | undefined;
  readonly timeZone: string;
  readonly comparePrevious: boolean;
}

/** A query as a client sends it, before validation. */
export interface MetricQueryInput {
  readonly start: Date | undefined;
  readonly end: Date | undefined;
  readonly metrics: readonly string[];
  readonly dimensions: readonly string[];
  readonly filters: readonly { dimension: string; values: readonly string[]; negate: boolean }[];
  readonly granularity: Granularity | undefined;
  readonly timeZone: string;
  readonly comparePrevious: boolean;
}

export interface Violation {
  readonly field: string;
  readonly rule: string;
  readonly description: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

const DAY_MS = 86_400_000;

/**
 * The longest range per granularity, in days: bounds the number of buckets a query can return (92 days
 * of hours is 2,208 buckets, a quarter: enough for the Insights hourly forecast's 56 days of history).
 */
export const MAX_RANGE_DAYS: Readonly<Record<Granularity | 'none', number>> = {
  hour: 92,
  day: 732,
  week: 1830,
  month: 3660,
  none: 3660,
};

// What to suggest when a range is too long for its granularity.
const COARSER: Readonly<Record<Granularity | 'none', Granularity | undefined>> = {
  hour: 'day',
  day: 'week',
  week: 'month',
  month: undefined,
  none: undefined,
};

export const MAX_FILTER_VALUES = 100;

/** IANA zone names Intl accepts (e.g. Europe/Berlin, UTC); case as the client wrote it. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a query against the catalogue and the limits. `prefix` names the request field the query sits in
 * (e.g. `widgets[2].query.`) so errors point at it. Unknown names are refused with the valid ones listed.
 */
export function validateQuery(input: MetricQueryInput, prefix = ''): Validated<MetricQuery> {
  const violations: Violation[] = [];
  const bad = (field: string, rule: string, description: string) =>
    violations.push({ field: prefix + field, rule, description });

  if (input.start === undefined) bad('start_date', 'required', 'is required');
  if (input.end === undefined) bad('end_date', 'required', 'is required');
  if (input.start !== undefined && input.end !== undefined) {
    const days = (input.end.getTime() - input.start.getTime()) / DAY_MS;
    const max = MAX_RANGE_DAYS[input.granularity ?? 'none'];
    if (days <= 0) {
      bad('end_date', 'after_start', 'must be after start_date');
    } else if (days > max) {
      const coarser = COARSER[input.granularity ?? 'none'];
      bad(
        'end_date',
        'max_range',
        `a range of ${Math.ceil(days)} days is too long for granularity ${input.granularity ?? 'unspecified'} ` +
          `(at most ${max} days${coarser === undefined ? '' : `; use granularity ${coarser} or coarser for longer ranges`})`,
      );
    }
  }

  if (input.metrics.length === 0) bad('metrics', 'required', 'name at least one metric');
  input.metrics.forEach((m, i) => {
    if (!isMetricName(m)) {
      bad(`metrics[${i}]`, 'known_metric', `unknown metric "${m}"; valid: ${METRIC_NAMES.join(', ')}`);
    }
  });
  input.dimensions.forEach((d, i) => {
    if (!isDimensionName(d)) {
      bad(
        `dimensions[${i}]`,
        'known_dimension',
        `unknown dimension "${d}"; valid: ${DIMENSION_NAMES.join(', ')}`,
      );
    }
  });
  if (new Set(input.dimensions).size !== input.dimensions.length) {
    bad('dimensions', 'unique', 'each dimension may appear once');
  }
  input.filters.forEach((f, i) => {
    if (!isDimensionName(f.dimension)) {
      bad(
        `filters[${i}].dimension`,
        'known_dimension',
        `unknown dimension "${f.dimension}"; valid: ${DIMENSION_NAMES.join(', ')}`,
      );
    }
    if (f.values.length === 0) bad(`filters[${i}].values`, 'required', 'give at least one value');
    if (f.values.length > MAX_FILTER_VALUES) {
      bad(`filters[${i}].values`, 'max_items', `at most ${MAX_FILTER_VALUES} values`);
    }
  });
  if (input.timeZone !== '' && !isTimeZone(input.timeZone)) {
    bad(
      'timezone',
      'time_zone',
      `unknown time zone "${input.timeZone}" (use an IANA name such as Europe/Berlin)`,
    );
  }

  if (violations.length > 0 || input.start === undefined || input.end === undefined) {
    return { ok: false, violations };
  }
  return {
    ok: true,
    value: {
      start: input.start,
      end: input.end,
      metrics: [...new Set(input.metrics)] as MetricName[],
      dimensions: input.dimensions as DimensionName[],
      filters: input.filters.map((f) => ({
        dimension: f.dimension as DimensionName,
        values: [...f.values],
        negate: f.negate,
      })),
      granularity: input.granularity,
      timeZone: input.timeZone === '' ? 'UTC' : input.timeZone,
      comparePrevious: input.comparePrevious,
    },
  };
}
