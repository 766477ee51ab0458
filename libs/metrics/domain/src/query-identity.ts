import type { MetricQuery } from './metric-query.js';
import { previousRange } from './periods.js';

const DAY_MS = 86_400_000;

/**
 * The query in one canonical text: two queries with the same answer up to the order of metrics, filters
 * or filter values give the same text. Dimension order is kept (it orders the rows). Versioned, so a
 * change of format or of the answer's shape never matches an older cached answer.
 */
export function canonicalQuery(q: MetricQuery): string {
  const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
  return JSON.stringify([
    'mq1',
    q.start.toISOString(),
    q.end.toISOString(),
    sorted(q.metrics),
    q.dimensions,
    q.filters
      .map((f) => [f.dimension, f.negate ? 1 : 0, sorted(f.values)] as const)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    q.granularity ?? null,
    q.timeZone,
    q.comparePrevious ? 1 : 0,
  ]);
}

/** UTC days (YYYY-MM-DD) overlapping [start, end), in order. */
export function utcDaysBetween(start: Date, end: Date): string[] {
  const out: string[] = [];
  for (let d = Math.floor(start.getTime() / DAY_MS) * DAY_MS; d < end.getTime(); d += DAY_MS) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The UTC days whose events can change the query's answer: those of its range and, when it compares,
 * of the previous period. Hourly buckets are UTC hours, so each bucket lies in exactly one of these days.
 */
export function queryUtcDays(q: MetricQuery): string[] {
  const days = utcDaysBetween(q.start, q.end);
  if (!q.comparePrevious) return days;
  const prev = previousRange(q.start, q.end);
  return [...new Set([...utcDaysBetween(prev.start, prev.end), ...days])].sort();
}
