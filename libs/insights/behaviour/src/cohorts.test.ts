import { describe, expect, it } from 'vitest';
import { buildCohorts, type CohortMetric, type CohortUser } from './cohorts.js';
import { periodsBetween, periodStart } from './periods.js';

const t = (iso: string) => Date.parse(iso);
const users: CohortUser[] = [
  {
    anchor: t('2024-01-05T10:00:00Z'),
    dim: 'email',
    activity: [
      { at: t('2024-01-05T00:00:00Z'), events: 3, orders: 1, revenue: 50 },
      { at: t('2024-02-01T00:00:00Z'), events: 1, orders: 0, revenue: 0 },
      { at: t('2024-03-01T00:00:00Z'), events: 2, orders: 1, revenue: 30 },
    ],
  },
  {
    anchor: t('2024-01-20T10:00:00Z'),
    dim: 'organic',
    activity: [
      { at: t('2024-01-20T00:00:00Z'), events: 1, orders: 0, revenue: 0 },
      { at: t('2024-03-31T23:00:00Z'), events: 1, orders: 2, revenue: 100 },
    ],
  },
  {
    anchor: t('2024-02-02T00:00:00Z'),
    dim: 'email',
    activity: [
      { at: t('2024-02-02T00:00:00Z'), events: 1, orders: 1, revenue: 10 },
      { at: t('2024-04-01T00:00:00Z'), events: 1, orders: 1, revenue: 10 },
    ],
  },
  {
    anchor: t('2023-12-31T23:59:59Z'),
    dim: 'email',
    activity: [{ at: t('2024-01-02T00:00:00Z'), events: 1, orders: 0, revenue: 0 }],
  },
];
const opts = (metric: CohortMetric, periods?: number) => ({
  unit: 'month' as const,
  metric,
  start: t('2024-01-01T00:00:00Z'),
  end: t('2024-04-01T00:00:00Z'),
  ...(periods === undefined ? {} : { periods }),
});
const strip = (users: CohortUser[]) => users.map((u) => ({ ...u, dim: '' }));

describe('buildCohorts', () => {
  it('monthly retention is a triangle up to end_date; earlier users are left out', () => {
    expect(buildCohorts(strip(users), opts('retention'))).toEqual([
      { cohortStart: t('2024-01-01T00:00:00Z'), dim: '', size: 2, values: [1, 0.5, 1] },
      { cohortStart: t('2024-02-01T00:00:00Z'), dim: '', size: 1, values: [1, 0] },
    ]);
  });

  it('revenue per user, orders and repeat-purchase rate', () => {
    const values = (m: CohortMetric) => buildCohorts(strip(users), opts(m)).map((c) => c.values);
    expect(values('revenue_per_user')).toEqual([
      [25, 0, 65],
      [10, 0],
    ]);
    expect(values('orders')).toEqual([
      [1, 0, 3],
      [1, 0],
    ]);
    expect(values('repeat_purchase_rate')).toEqual([
      [0, 0, 1],
      [0, 0],
    ]);
  });

  it('caps the periods and splits by the breakdown value', () => {
    expect(buildCohorts(users, opts('retention', 2))).toEqual([
      { cohortStart: t('2024-01-01T00:00:00Z'), dim: 'email', size: 1, values: [1, 1] },
      { cohortStart: t('2024-01-01T00:00:00Z'), dim: 'organic', size: 1, values: [1, 0] },
      { cohortStart: t('2024-02-01T00:00:00Z'), dim: 'email', size: 1, values: [1, 0] },
    ]);
  });
});

describe('periods (UTC)', () => {
  it('weeks start on Monday, months on the 1st', () => {
    expect(new Date(periodStart(t('2024-01-03T15:00:00Z'), 'week')).toISOString()).toBe(
      '2024-01-01T00:00:00.000Z',
    );
    expect(new Date(periodStart(t('2024-01-07T23:59:59Z'), 'week')).toISOString()).toBe(
      '2024-01-01T00:00:00.000Z',
    );
    expect(periodsBetween(t('2024-01-07T23:59:59Z'), t('2024-01-08T00:00:00Z'), 'week')).toBe(1);
    expect(periodsBetween(t('2023-12-31T12:00:00Z'), t('2024-02-01T00:00:00Z'), 'month')).toBe(2);
    expect(periodsBetween(t('2024-03-30T12:00:00Z'), t('2024-04-02T00:00:00Z'), 'day')).toBe(3);
  });
});
