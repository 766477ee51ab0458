import { describe, expect, it } from 'vitest';
import {
  buildCohorts,
  cohortsFromCells,
  type CohortCell,
  type CohortMetric,
  type CohortUser,
} from './cohorts.js';
import { asShopDate, createPeriodIndexer, periodIndex, periodsBetween, periodStart } from './periods.js';

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

describe('periods in a shop time zone', () => {
  const berlin = 'Europe/Berlin';
  it('days, weeks and months start at local midnight, across daylight saving time', () => {
    // 23:30 UTC on 31 Jan is 00:30 on 1 Feb in Berlin (UTC+1).
    expect(new Date(periodStart(t('2024-01-31T23:30:00Z'), 'month', berlin)).toISOString()).toBe(
      '2024-01-31T23:00:00.000Z',
    );
    // Summer time (UTC+2): the day starts at 22:00 UTC the evening before.
    expect(new Date(periodStart(t('2024-07-10T21:59:59Z'), 'day', berlin)).toISOString()).toBe(
      '2024-07-09T22:00:00.000Z',
    );
    expect(new Date(periodStart(t('2024-07-10T22:00:00Z'), 'day', berlin)).toISOString()).toBe(
      '2024-07-10T22:00:00.000Z',
    );
    // Sunday 31 March 2024 23:30 Berlin (after the switch to summer time) is still in the week of the 25th.
    expect(new Date(periodStart(t('2024-03-31T21:30:00Z'), 'week', berlin)).toISOString()).toBe(
      '2024-03-24T23:00:00.000Z',
    );
    // 25 March to 1 April is one week although it lasted 167 hours.
    expect(periodsBetween(t('2024-03-24T23:00:00Z'), t('2024-03-31T22:00:00Z'), 'week', berlin)).toBe(1);
    expect(periodsBetween(t('2024-03-30T12:00:00Z'), t('2024-04-02T00:00:00Z'), 'day', berlin)).toBe(3);
    // Half-hour offsets: midnight in Kolkata (UTC+5:30) is 18:30 UTC.
    expect(periodsBetween(t('2024-05-01T18:29:59Z'), t('2024-05-01T18:30:00Z'), 'day', 'Asia/Kolkata')).toBe(
      1,
    );
  });

  it('the memoising indexer agrees with periodIndex every few minutes around DST and month ends', () => {
    for (const unit of ['day', 'week', 'month'] as const) {
      for (const tz of [berlin, 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
        const index = createPeriodIndexer(unit, tz);
        for (const from of [
          t('2024-03-30T00:00:00Z'),
          t('2024-10-26T00:00:00Z'),
          t('2018-11-03T00:00:00Z'),
        ]) {
          for (let ms = from; ms < from + 3 * 86_400_000; ms += 240_000 + 7) {
            expect(index(ms)).toBe(periodIndex(ms, unit, tz));
          }
        }
      }
    }
  });

  it('a request date (midnight UTC) means local midnight of that date; other instants are exact', () => {
    expect(new Date(asShopDate(t('2025-01-01T00:00:00Z'), berlin)).toISOString()).toBe(
      '2024-12-31T23:00:00.000Z',
    );
    expect(new Date(asShopDate(t('2025-07-01T00:00:00Z'), 'America/New_York')).toISOString()).toBe(
      '2025-07-01T04:00:00.000Z',
    );
    expect(asShopDate(t('2025-01-01T00:00:00Z'), 'UTC')).toBe(t('2025-01-01T00:00:00Z'));
    expect(asShopDate(t('2025-01-01T10:30:00Z'), berlin)).toBe(t('2025-01-01T10:30:00Z'));
  });

  it('an unknown zone is an error', () => {
    expect(() => periodStart(0, 'day', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });

  it('a cohort boundary follows the shop time zone', () => {
    // 23:30 UTC on 31 January: January in UTC, February in Berlin.
    const late: CohortUser = {
      anchor: t('2024-01-31T23:30:00Z'),
      dim: '',
      activity: [
        { at: t('2024-01-31T23:30:00Z'), events: 1, orders: 0, revenue: 0 },
        // 00:30 on 1 March in Berlin (period 1 there); still February in UTC (also period 1).
        { at: t('2024-02-29T23:30:00Z'), events: 1, orders: 0, revenue: 0 },
      ],
    };
    const base = { unit: 'month' as const, metric: 'retention' as const, start: t('2024-01-01T00:00:00Z') };
    const end = t('2024-03-31T22:00:00Z');
    expect(buildCohorts([late], { ...base, end })).toEqual([
      { cohortStart: t('2024-01-01T00:00:00Z'), dim: '', size: 1, values: [1, 1, 0] },
    ]);
    expect(buildCohorts([late], { ...base, end, timeZone: berlin })).toEqual([
      { cohortStart: t('2024-01-31T23:00:00Z'), dim: '', size: 1, values: [1, 1] },
    ]);
  });
});

describe('cohortsFromCells', () => {
  it('gives the same matrix as buildCohorts from per-user activity, for every metric, zone and cap', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const from = t('2024-01-01T00:00:00Z');
    const random: CohortUser[] = Array.from({ length: 400 }, () => {
      const anchor = from + Math.floor(rnd() * 200) * 86_400_000 + Math.floor(rnd() * 86_400_000);
      const activity = [
        { at: anchor, events: 1 + Math.floor(rnd() * 3), orders: rnd() < 0.3 ? 1 : 0, revenue: 0 },
      ];
      for (let i = 0; i < 4; i++) {
        const at = anchor + Math.floor(rnd() * 250) * 86_400_000;
        activity.push({ at, events: 1, orders: Math.floor(rnd() * 2.5), revenue: Math.round(rnd() * 100) });
      }
      return { anchor, dim: rnd() < 0.5 ? 'email' : 'paid', activity };
    });
    for (const unit of ['day', 'week', 'month'] as const) {
      for (const timeZone of ['UTC', 'Europe/Berlin']) {
        const opts = { unit, start: from + 86_400_000 * 10, end: from + 86_400_000 * 220, timeZone };
        // Cells as a database would aggregate them: per user, activity merged per period from the
        // cohort's period on; a user's second order marks them in the period it falls in.
        const cells = new Map<string, CohortCell & { active: number }>();
        for (const u of random) {
          if (u.anchor < opts.start || u.anchor >= opts.end) continue;
          const c0 = periodStart(u.anchor, unit, timeZone);
          const per = new Map<number, { orders: number; revenue: number }>();
          for (const a of u.activity) {
            const p = periodStart(a.at, unit, timeZone);
            if (p < c0 || a.at >= opts.end) continue;
            const x = per.get(p) ?? { orders: 0, revenue: 0 };
            x.orders += a.orders;
            x.revenue += a.revenue;
            per.set(p, x);
          }
          let cumulative = 0;
          for (const [p, x] of [...per.entries()].sort(([a], [b]) => a - b)) {
            const before = cumulative;
            cumulative += x.orders;
            const key = `${c0}|${u.dim}|${p}`;
            const cell = cells.get(key) ?? {
              cohortAt: c0,
              dim: u.dim,
              at: p,
              active: 0,
              orders: 0,
              revenue: 0,
              newRepeaters: 0,
            };
            cells.set(key, {
              ...cell,
              active: cell.active + 1,
              orders: cell.orders + x.orders,
              revenue: cell.revenue + x.revenue,
              newRepeaters: cell.newRepeaters + (before < 2 && cumulative >= 2 ? 1 : 0),
            });
          }
        }
        for (const metric of ['retention', 'revenue_per_user', 'orders', 'repeat_purchase_rate'] as const) {
          for (const periods of [undefined, 3]) {
            const o = { ...opts, metric, ...(periods === undefined ? {} : { periods }) };
            const got = cohortsFromCells(cells.values(), o);
            // buildCohorts takes one activity row per user and period: merge them first.
            const merged = random.map((u) => {
              const per = new Map<number, { at: number; events: number; orders: number; revenue: number }>();
              for (const a of u.activity.filter((x) => x.at < opts.end)) {
                const p = periodStart(a.at, unit, timeZone);
                const x = per.get(p) ?? { at: p, events: 0, orders: 0, revenue: 0 };
                per.set(p, {
                  at: p,
                  events: x.events + a.events,
                  orders: x.orders + a.orders,
                  revenue: x.revenue + a.revenue,
                });
              }
              return { ...u, activity: [...per.values()] };
            });
            const want = buildCohorts(merged, o);
            expect(got.length).toBeGreaterThan(1);
            expect(got.map((r) => [r.cohortStart, r.dim, r.size])).toEqual(
              want.map((r) => [r.cohortStart, r.dim, r.size]),
            );
            got.forEach((r, i) => r.values.forEach((v, k) => expect(v).toBeCloseTo(want[i]!.values[k]!, 9)));
          }
        }
      }
    }
  });
});
