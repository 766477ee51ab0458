import { describe, expect, it } from 'vitest';
import type { MetricQuery } from './metric-query.js';
import { canonicalQuery, queryUtcDays, utcDaysBetween } from './query-identity.js';

const q: MetricQuery = {
  start: new Date('2025-11-01T00:00:00Z'),
  end: new Date('2025-11-04T00:00:00Z'),
  metrics: ['revenue', 'orders'],
  dimensions: ['category', 'region'],
  filters: [
    { dimension: 'region', values: ['Berlin', 'Bavaria'], negate: false },
    { dimension: 'category', values: ['electronics'], negate: true },
  ],
  granularity: 'day',
  timeZone: 'Europe/Berlin',
  comparePrevious: false,
};

describe('query identity', () => {
  it('ignores the order of metrics, filters and filter values, but not of dimensions', () => {
    const same: MetricQuery = {
      ...q,
      metrics: ['orders', 'revenue'],
      filters: [
        { dimension: 'category', values: ['electronics'], negate: true },
        { dimension: 'region', values: ['Bavaria', 'Berlin', 'Berlin'], negate: false },
      ],
    };
    expect(canonicalQuery(same)).toBe(canonicalQuery(q));
    expect(canonicalQuery({ ...q, dimensions: ['region', 'category'] })).not.toBe(canonicalQuery(q));
    expect(canonicalQuery({ ...q, filters: [{ ...q.filters[0]!, negate: true }, q.filters[1]!] })).not.toBe(
      canonicalQuery(q),
    );
    expect(canonicalQuery({ ...q, granularity: undefined })).not.toBe(canonicalQuery(q));
    expect(canonicalQuery({ ...q, comparePrevious: true })).not.toBe(canonicalQuery(q));
    expect(canonicalQuery({ ...q, end: new Date('2025-11-04T01:00:00Z') })).not.toBe(canonicalQuery(q));
  });

  it('lists the UTC days a range overlaps', () => {
    expect(utcDaysBetween(new Date('2025-10-31T23:00:00Z'), new Date('2025-11-02T00:00:00Z'))).toEqual([
      '2025-10-31',
      '2025-11-01',
    ]);
    expect(utcDaysBetween(new Date('2025-11-01T05:00:00Z'), new Date('2025-11-01T06:00:00Z'))).toEqual([
      '2025-11-01',
    ]);
    expect(utcDaysBetween(new Date('2025-11-01T00:00:00Z'), new Date('2025-11-02T00:00:01Z'))).toEqual([
      '2025-11-01',
      '2025-11-02',
    ]);
  });

  it('includes the previous period when the query compares with it', () => {
    expect(queryUtcDays(q)).toEqual(['2025-11-01', '2025-11-02', '2025-11-03']);
    expect(queryUtcDays({ ...q, comparePrevious: true })).toEqual([
      '2025-10-29',
      '2025-10-30',
      '2025-10-31',
      '2025-11-01',
      '2025-11-02',
      '2025-11-03',
    ]);
  });
});
