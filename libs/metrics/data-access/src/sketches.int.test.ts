import type { Event } from '@broxiva/contracts';
import { bucketStart, type MetricQuery } from '@broxiva/metrics-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMetricsReader,
  createRollupWorker,
  HLL_EXACT_UP_TO,
  HLL_STANDARD_ERROR,
  type MetricsReader,
} from './index.js';
import { testEvent, withAnalyticsDatabase } from './testing.js';

// Three days around New York's spring DST change (9 March 2025, a 23-hour day), 6,000 events: enough
// distinct sessions and users per day to leave the sketches' exact range (320 values).
const START = new Date('2025-03-08T05:00:00Z'); // midnight in New York (EST)
const END = new Date('2025-03-11T04:00:00Z'); // midnight in New York (EDT)
const REGIONS = ['east', 'west', 'north'];

interface Fact {
  readonly ts: Date;
  readonly user: string;
  readonly session: string;
  readonly type: 'page_view' | 'add_to_cart' | 'purchase';
  readonly region: string;
  readonly revenue: number;
}

/** A fixed pseudo-random sequence in [0, 1) (an integer hash of a counter), so every run sees the same facts. */
function sequence(): () => number {
  let n = 0;
  return () => {
    n += 1;
    let x = Math.imul(n ^ (n >>> 16), 0x45d9f3b);
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
    return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
  };
}

function simulate(): Fact[] {
  const random = sequence();
  const facts: Fact[] = [];
  const span = END.getTime() - START.getTime();
  for (let s = 0; s < 2_400; s++) {
    const user = `u${Math.floor(random() * 2_000)}`;
    const region = REGIONS[Math.floor(random() * REGIONS.length)] ?? 'east';
    let t = START.getTime() + Math.floor(random() * (span - 3_600_000));
    for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++, t += 60_000) {
      const r = random();
      const type = i === 0 ? 'page_view' : r < 0.15 ? 'purchase' : r < 0.4 ? 'add_to_cart' : 'page_view';
      const revenue = type === 'purchase' ? 10 + Math.floor(random() * 90) : 0;
      facts.push({ ts: new Date(t), user, session: `s${s}`, type, region, revenue });
    }
  }
  return facts;
}

const toEvent = (f: Fact): Event =>
  testEvent(f.ts.toISOString(), {
    userId: f.user,
    sessionId: f.session,
    eventType: f.type,
    enrichment: { region: f.region },
    ...(f.type === 'purchase'
      ? {
          commerce: {
            orderId: `o-${f.session}-${f.ts.getTime()}`,
            revenue: { amount: f.revenue, currency: 'EUR' },
          },
        }
      : {}),
  });

/** Brute force over the facts: per bucket (in `tz`) and region, the exact measures. */
function expected(facts: readonly Fact[], tz: string) {
  const firstSeen = new Map<string, number>();
  for (const f of facts) firstSeen.set(f.user, Math.min(firstSeen.get(f.user) ?? Infinity, f.ts.getTime()));
  const hour = (ms: number) => Math.floor(ms / 3_600_000);
  const cells = new Map<
    string,
    {
      revenue: number;
      orders: number;
      sessions: Set<string>;
      users: Set<string>;
      newUsers: Set<string>;
      buying: Set<string>;
    }
  >();
  for (const f of facts) {
    const key = `${bucketStart(f.ts, 'day', tz).toISOString()}|${f.region}`;
    const c = cells.get(key) ?? {
      revenue: 0,
      orders: 0,
      sessions: new Set(),
      users: new Set(),
      newUsers: new Set(),
      buying: new Set(),
    };
    cells.set(key, c);
    c.sessions.add(f.session);
    c.users.add(f.user);
    if (hour(firstSeen.get(f.user) ?? 0) === hour(f.ts.getTime())) c.newUsers.add(f.user);
    if (f.type === 'purchase') {
      c.revenue += f.revenue;
      c.orders += 1;
      c.buying.add(f.session);
    }
  }
  return cells;
}

/** `actual` equals `exact` up to HLL_EXACT_UP_TO (320) values and is within 3 standard errors beyond. */
function expectCount(actual: number | undefined, exact: number, what: string) {
  if (exact <= HLL_EXACT_UP_TO) expect(actual, what).toBe(exact);
  else expect(Math.abs((actual ?? NaN) - exact), what).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * exact);
}

let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let reader: MetricsReader;
const facts = simulate();
beforeAll(async () => {
  db = await withAnalyticsDatabase();
  reader = createMetricsReader({ pool: db.pool, timeoutMs: 10_000 });
  const written = await db.write(facts.map(toEvent));
  expect(written.inserted).toBe(facts.length);
  await createRollupWorker({ pool: db.pool, shopTimeZone: 'America/New_York' }).drain();
});
afterAll(async () => {
  await db?.drop();
});

// Whole days of each zone holding every fact.
const RANGES: Record<string, { start: Date; end: Date }> = {
  'America/New_York': { start: START, end: END },
  UTC: { start: new Date('2025-03-08T00:00:00Z'), end: new Date('2025-03-12T00:00:00Z') },
};
const query = (tz: string, over: Partial<MetricQuery> = {}): MetricQuery => ({
  ...RANGES[tz]!,
  metrics: ['revenue', 'orders', 'sessions', 'users', 'new_users', 'conversion_rate'],
  dimensions: ['region'],
  filters: [],
  granularity: 'day',
  timeZone: tz,
  comparePrevious: false,
  ...over,
});

async function expectMatches(tz: string, source: string) {
  const r = await reader.query(query(tz));
  expect(r.source).toBe(source);
  const cells = expected(facts, tz);
  expect(r.rows.map((x) => `${x.time?.toISOString()}|${x.dimensions.region}`).sort()).toEqual(
    [...cells.keys()].sort(),
  );
  for (const row of r.rows) {
    const key = `${row.time?.toISOString()}|${row.dimensions.region}`;
    const c = cells.get(key);
    if (c === undefined) throw new Error(`unexpected row ${key}`);
    expect(row.values.revenue, key).toBeCloseTo(c.revenue, 4);
    expect(row.values.orders, key).toBe(c.orders);
    expectCount(row.values.sessions, c.sessions.size, `${key} sessions`);
    expectCount(row.values.users, c.users.size, `${key} users`);
    expectCount(row.values.new_users, c.newUsers.size, `${key} new users`);
  }
  // Totals over every region: past the exact range, estimated.
  const sessions = new Set(facts.map((f) => f.session)).size;
  const users = new Set(facts.map((f) => f.user)).size;
  expect(sessions).toBeGreaterThan(HLL_EXACT_UP_TO);
  expectCount(r.totals.sessions, sessions, 'total sessions');
  expectCount(r.totals.users, users, 'total users');
  expectCount(r.totals.new_users, users, 'total new users');
  const buying = new Set(facts.filter((f) => f.type === 'purchase').map((f) => f.session)).size;
  expect(Math.abs((r.totals.conversion_rate ?? NaN) - (100 * buying) / sessions)).toBeLessThan(
    3 * HLL_STANDARD_ERROR * ((100 * buying) / sessions) + 0.01,
  );
}

describe('distinct counts from HyperLogLog sketches', () => {
  it('answers New York days by region from the daily slices, across the DST change', async () => {
    await expectMatches('America/New_York', 'slices');
  });

  it('answers New York days by three dimensions from the daily rollups', async () => {
    const r = await reader.query(query('America/New_York', { dimensions: ['region', 'event_type'] }));
    expect(r.source).toBe('daily');
    const sliced = await reader.query(query('America/New_York'));
    // Summed over event types, the daily rollups give the slices' sums and (exactly, up to 320) counts.
    for (const row of sliced.rows) {
      const mine = r.rows.filter(
        (x) => x.time?.getTime() === row.time?.getTime() && x.dimensions.region === row.dimensions.region,
      );
      expect(mine.reduce((t, x) => t + (x.values.orders ?? 0), 0)).toBe(row.values.orders);
      expect(mine.reduce((t, x) => t + (x.values.revenue ?? 0), 0)).toBeCloseTo(row.values.revenue ?? NaN, 4);
    }
  });

  it('answers UTC days from the hourly rollups', async () => {
    await expectMatches('UTC', 'hourly');
  });

  it('answers exactly from raw events when the range is not on whole hours', async () => {
    const r = await reader.query(
      query('America/New_York', {
        start: new Date(START.getTime() + 1),
        granularity: undefined,
        dimensions: [],
      }),
    );
    expect(r.source).toBe('raw');
    const kept = facts.filter((f) => f.ts.getTime() > START.getTime());
    expect(r.totals.sessions).toBe(new Set(kept.map((f) => f.session)).size);
    expect(r.totals.users).toBe(new Set(kept.map((f) => f.user)).size);
  });

  it('reads a day recomputed after a late purchase from the daily rollups until it is sliced again', async () => {
    const late: Fact = {
      ts: new Date('2025-03-09T15:00:00Z'),
      user: 'u-late',
      session: 's-late',
      type: 'purchase',
      region: 'west',
      revenue: 1234,
    };
    const worker = createRollupWorker({ pool: db.pool, shopTimeZone: 'America/New_York' });
    await db.write([toEvent(late)]);
    facts.push(late);
    expect(await worker.runOnce()).toBe(1);
    const sliced = await db.pool.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM rollup_sliced_days`,
    );
    expect(sliced.rows.map((r) => r.day).sort()).toEqual(['2025-03-08', '2025-03-10']);
    await expectMatches('America/New_York', 'slices');
    expect(await worker.sliceClosedDays()).toBe(1);
    await expectMatches('America/New_York', 'slices');
  });

  it('leaves the open day unsliced', async () => {
    const worker = createRollupWorker({
      pool: db.pool,
      shopTimeZone: 'America/New_York',
      now: () => new Date('2025-03-10T12:00:00Z'),
    });
    await db.pool.query(`DELETE FROM rollup_sliced_days`);
    expect(await worker.sliceClosedDays()).toBe(2);
    const sliced = await db.pool.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM rollup_sliced_days`,
    );
    expect(sliced.rows.map((r) => r.day).sort()).toEqual(['2025-03-08', '2025-03-09']);
    await expectMatches('America/New_York', 'slices');
  });

  it('rebuilds the daily rollups in the new zone when the shop time zone changes', async () => {
    const before = await reader.query(query('UTC'));
    expect(before.source).toBe('hourly');
    const recomputed = await createRollupWorker({ pool: db.pool, shopTimeZone: 'UTC' }).drain();
    // Every hour holding events (72 over three days) is recomputed once.
    expect(recomputed).toBe(new Set(facts.map((f) => Math.floor(f.ts.getTime() / 3_600_000))).size);
    const after = await reader.query(query('UTC'));
    expect(after.source).toBe('slices');
    expect(after.rows).toEqual(before.rows);
    expect((await reader.query(query('America/New_York'))).source).toBe('hourly');
    await expectMatches('UTC', 'slices');
  });
});
