import type { MetricQuery } from '@broxiva/metrics-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents } from './fixture.js';
import { createMetricsReader, createRollupWorker, type MetricsReader, type RollupWorker } from './index.js';
import { testEvent, withAnalyticsDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let reader: MetricsReader;
let worker: RollupWorker;
beforeAll(async () => {
  db = await withAnalyticsDatabase();
  reader = createMetricsReader({ pool: db.pool, timeoutMs: 5_000 });
  worker = createRollupWorker({ pool: db.pool, shopTimeZone: 'Europe/Berlin' });
  expect(await db.write(fixtureEvents())).toEqual({ inserted: 14, duplicates: 0 });
  expect(await worker.lagSeconds()).toBeGreaterThan(0);
  // 7 distinct hours hold the 14 events.
  expect(await worker.drain()).toBe(7);
  expect(await worker.lagSeconds()).toBe(0);
});
afterAll(async () => {
  await db?.drop();
});

const november = (over: Partial<MetricQuery> = {}): MetricQuery => ({
  start: new Date('2025-11-01T00:00:00Z'),
  end: new Date('2025-12-01T00:00:00Z'),
  metrics: [],
  dimensions: [],
  filters: [],
  granularity: undefined,
  timeZone: 'UTC',
  comparePrevious: false,
  ...over,
});
const ALL = [
  'revenue',
  'orders',
  'conversion_rate',
  'average_order_value',
  'sessions',
  'users',
  'new_users',
  'page_views',
  'product_views',
  'add_to_cart',
  'checkout_starts',
  'cart_abandonment_rate',
  'items_sold',
] as const;

describe('metric queries on the known event set', () => {
  it('computes every metric for November, and compares with October', async () => {
    const r = await reader.query(november({ metrics: ALL, comparePrevious: true }));
    const expected = {
      revenue: 330,
      orders: 2,
      conversion_rate: 50,
      average_order_value: 165,
      sessions: 4,
      users: 4,
      new_users: 2,
      page_views: 4,
      product_views: 2,
      add_to_cart: 2,
      checkout_starts: 1,
      cart_abandonment_rate: 50,
      items_sold: 4,
    };
    expect(r.source).toBe('hourly');
    expect(r.totals).toEqual(expected);
    expect(r.rows).toEqual([{ time: undefined, dimensions: {}, values: expected }]);
    // 2 Oct – 1 Nov: u1's page view and u2's purchase of 4 books.
    expect(r.previousTotals).toMatchObject({
      revenue: 100,
      orders: 1,
      users: 2,
      new_users: 2,
      items_sold: 4,
    });
    expect(r.changePercent).toMatchObject({ revenue: 230, orders: 100, users: 100, new_users: 0 });
    // October had no checkout: no percent change against zero.
    expect(r.changePercent).not.toHaveProperty('checkout_starts');
  });

  it('answers the documented example: revenue, orders, conversion by category and region for electronics', async () => {
    const r = await reader.query(
      november({
        metrics: ['revenue', 'orders', 'conversion_rate'],
        dimensions: ['category', 'region'],
        filters: [{ dimension: 'category', values: ['electronics'], negate: false }],
      }),
    );
    expect(r.rows).toEqual([
      {
        time: undefined,
        dimensions: { category: 'electronics', region: 'Bavaria' },
        values: { revenue: 200, orders: 1, conversion_rate: 100 },
      },
      {
        time: undefined,
        dimensions: { category: 'electronics', region: 'Berlin' },
        values: { revenue: 80, orders: 1, conversion_rate: 100 },
      },
      {
        time: undefined,
        dimensions: { category: 'electronics', region: 'California' },
        values: { revenue: 0, orders: 0, conversion_rate: 0 },
      },
    ]);
    expect(r.totals).toEqual({ revenue: 280, orders: 2, conversion_rate: 66.67 });
  });

  it('slices by every event-level dimension', async () => {
    const by = async (dimension: MetricQuery['dimensions'][number]) =>
      Object.fromEntries(
        (
          await reader.query(
            november({ metrics: ['revenue', 'sessions', 'page_views'], dimensions: [dimension] }),
          )
        ).rows.map((row) => [row.dimensions[dimension], row.values]),
      );
    const mobile = { revenue: 330, sessions: 3, page_views: 3 };
    const desktop = { revenue: 0, sessions: 1, page_views: 1 };
    expect(await by('device')).toEqual({ mobile, desktop });
    expect(await by('browser')).toEqual({
      Chrome: { revenue: 250, sessions: 1, page_views: 1 },
      Firefox: desktop,
      Safari: { revenue: 80, sessions: 2, page_views: 2 },
    });
    expect(await by('os')).toEqual({
      Android: { revenue: 250, sessions: 1, page_views: 1 },
      Windows: desktop,
      iOS: { revenue: 80, sessions: 2, page_views: 2 },
    });
    expect(await by('country')).toEqual({ DE: mobile, US: desktop });
    expect(await by('region')).toEqual({
      Bavaria: { revenue: 250, sessions: 1, page_views: 1 },
      Berlin: { revenue: 80, sessions: 2, page_views: 2 },
      California: desktop,
    });
    expect(await by('channel')).toEqual({
      direct: desktop,
      organic: { revenue: 250, sessions: 1, page_views: 1 },
      paid: { revenue: 80, sessions: 2, page_views: 2 },
    });
    expect(await by('utm_source')).toEqual({
      '': { revenue: 0, sessions: 2, page_views: 2 },
      facebook: { revenue: 80, sessions: 1, page_views: 1 },
      google: { revenue: 250, sessions: 1, page_views: 1 },
    });
    expect(await by('referrer_domain')).toEqual({
      '': { revenue: 80, sessions: 3, page_views: 3 },
      'google.com': { revenue: 250, sessions: 1, page_views: 1 },
    });
    expect(Object.keys(await by('event_type'))).toEqual([
      'add_to_cart',
      'checkout_start',
      'page_view',
      'product_view',
      'purchase',
    ]);
    expect(await by('category')).toEqual({
      '': { revenue: 0, sessions: 4, page_views: 4 },
      books: { revenue: 50, sessions: 2, page_views: 0 },
      electronics: { revenue: 280, sessions: 3, page_views: 0 },
    });
  });

  it('applies list and negated filters', async () => {
    const r = await reader.query(
      november({
        metrics: ['users', 'page_views'],
        filters: [
          { dimension: 'region', values: ['Berlin', 'California'], negate: false },
          { dimension: 'device', values: ['desktop'], negate: true },
        ],
      }),
    );
    expect(r.totals).toEqual({ users: 2, page_views: 2 });
  });

  it('puts days on the boundaries of the asked time zone', async () => {
    const berlin = await reader.query(
      november({
        start: new Date('2025-11-29T23:00:00Z'),
        end: new Date('2025-12-01T23:00:00Z'),
        metrics: ['page_views', 'users'],
        granularity: 'day',
        timeZone: 'Europe/Berlin',
      }),
    );
    expect(berlin.source).toBe('slices');
    expect(berlin.rows).toEqual([
      { time: new Date('2025-11-30T23:00:00Z'), dimensions: {}, values: { page_views: 1, users: 1 } },
    ]);
    const utc = await reader.query(
      november({ start: new Date('2025-11-30T00:00:00Z'), metrics: ['page_views'], granularity: 'day' }),
    );
    expect(utc.rows).toEqual([
      { time: new Date('2025-11-30T00:00:00Z'), dimensions: {}, values: { page_views: 1 } },
    ]);
    // +05:30: hourly rollups cannot be regrouped, the answer comes from raw events.
    const kolkata = await reader.query(
      november({ metrics: ['page_views'], granularity: 'month', timeZone: 'Asia/Kolkata' }),
    );
    expect(kolkata.source).toBe('raw');
    expect(kolkata.rows).toEqual([
      { time: new Date('2025-10-31T18:30:00Z'), dimensions: {}, values: { page_views: 3 } },
      { time: new Date('2025-11-30T18:30:00Z'), dimensions: {}, values: { page_views: 1 } },
    ]);
    const weeks = await reader.query(
      november({ metrics: ['orders'], granularity: 'week', timeZone: 'Europe/Berlin' }),
    );
    // Weeks start on Monday, Berlin time; the week of 1 December holds u4's page view only.
    expect(weeks.rows.map((r) => [r.time?.toISOString(), r.values.orders])).toEqual([
      ['2025-11-02T23:00:00.000Z', 1],
      ['2025-11-16T23:00:00.000Z', 1],
      ['2025-11-30T23:00:00.000Z', 0],
    ]);
  });

  it('counts new users per bucket against their first event ever', async () => {
    const r = await reader.query(november({ metrics: ['users', 'new_users'], granularity: 'day' }));
    expect(
      r.rows.map((x) => [x.time?.toISOString().slice(0, 10), x.values.users, x.values.new_users]),
    ).toEqual([
      ['2025-11-03', 1, 0],
      ['2025-11-05', 1, 0],
      ['2025-11-20', 1, 1],
      ['2025-11-30', 1, 1],
    ]);
  });

  it('keeps daily_metrics and rollups right when a late event arrives for an already rolled-up day', async () => {
    const day = async (d: string) =>
      (
        await db.pool.query(
          `SELECT revenue::float8, orders::int, users::int, new_users::int, page_views::int, conversion_rate::float8
             FROM daily_metrics WHERE day = $1`,
          [d],
        )
      ).rows[0];
    expect(await day('2025-11-20')).toEqual({
      revenue: 80,
      orders: 1,
      users: 1,
      new_users: 1,
      page_views: 1,
      conversion_rate: 100,
    });
    const before = await reader.query(november({ metrics: ['page_views', 'revenue'] }));
    expect(before.totals).toEqual({ page_views: 4, revenue: 330 });

    // Historical: u3 had visited in September, and a page view of 20 November arrives late.
    await db.write([
      testEvent('2025-09-15T10:00:00Z', { userId: 'u3', sessionId: 's9', eventType: 'page_view' }),
      testEvent('2025-11-20T09:30:00Z', { userId: 'u3', sessionId: 's10', eventType: 'page_view' }),
    ]);
    expect((await reader.query(november({ metrics: ['page_views'] }))).totals).toEqual({ page_views: 4 });
    expect(await worker.drain()).toBe(2);
    expect((await reader.query(november({ metrics: ['page_views'] }))).totals).toEqual({ page_views: 5 });
    expect(await day('2025-11-20')).toEqual({
      revenue: 80,
      orders: 1,
      users: 1,
      new_users: 0,
      page_views: 2,
      conversion_rate: 50,
    });
    expect(await day('2025-09-15')).toMatchObject({ users: 1, new_users: 1, page_views: 1 });
  });
});
