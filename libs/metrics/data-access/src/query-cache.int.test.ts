import type { MetricQuery } from '@broxiva/metrics-domain';
import { createRedis, ready, type Redis } from '@broxiva/redis';
import { Redis as RawRedis } from 'ioredis';
import { DEFAULT_TEST_REDIS, withTestPrefix } from '@broxiva/redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvents } from './fixture.js';
import {
  createMetricsReader,
  createQueryCache,
  createRollupWorker,
  withQueryCache,
  type CacheResult,
  type MetricsReader,
  type MetricsSource,
  type QueryCache,
  type RollupWorker,
} from './index.js';
import { testEvent, withAnalyticsDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let redis: Redis;
let cache: QueryCache;
let worker: RollupWorker;
let direct: MetricsReader;
let cached: MetricsSource;
const prefix = withTestPrefix();
const results: CacheResult[] = [];
// How many queries reached PostgreSQL through the cache (the plain reader, counted).
let computed = 0;

beforeAll(async () => {
  db = await withAnalyticsDatabase();
  redis = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: prefix.prefix, failFast: true });
  await ready(redis);
  cache = createQueryCache({ redis, ttlSeconds: 60, onResult: (r) => results.push(r) });
  worker = createRollupWorker({ pool: db.pool, shopTimeZone: 'UTC', invalidate: cache.invalidate });
  direct = createMetricsReader({ pool: db.pool, timeoutMs: 5_000 });
  cached = withQueryCache(
    {
      query: (q) => {
        computed += 1;
        return direct.query(q);
      },
    },
    cache,
  );
  await db.write(fixtureEvents());
  await worker.drain();
});
afterAll(async () => {
  await prefix.cleanup();
  redis?.disconnect();
  await db?.drop();
});

const query = (start: string, end: string, over: Partial<MetricQuery> = {}): MetricQuery => ({
  start: new Date(start),
  end: new Date(end),
  metrics: ['revenue', 'orders', 'conversion_rate'],
  dimensions: ['category', 'region'],
  filters: [],
  granularity: undefined,
  timeZone: 'UTC',
  comparePrevious: false,
  ...over,
});
const november = query('2025-11-01T00:00:00Z', '2025-12-01T00:00:00Z');
const early = query('2025-11-01T00:00:00Z', '2025-11-06T00:00:00Z', { granularity: 'day' });
const on20th = query('2025-11-20T00:00:00Z', '2025-11-21T00:00:00Z', { metrics: ['revenue', 'new_users'] });
const around20th = query('2025-11-15T00:00:00Z', '2025-11-25T00:00:00Z', {
  metrics: ['users', 'new_users'],
  dimensions: [],
});

/** Runs `q` through the cache; resolves the answer and what the cache did. */
async function run(q: MetricQuery) {
  const before = results.length;
  const answer = await cached.query(q);
  expect(results.length).toBe(before + 1);
  return { answer, result: results[results.length - 1] };
}

describe('query cache on Redis', () => {
  it('serves a repeated query from Redis, equal to the computed answer and with a bounded TTL', async () => {
    const first = await run(november);
    expect(first.result).toBe('miss');
    expect(first.answer.totals).toEqual({ revenue: 330, orders: 2, conversion_rate: 50 });
    const n = computed;
    const again = await run(november);
    expect(again).toEqual({ answer: first.answer, result: 'hit' });
    // The same query with its metrics in another order is the same entry.
    const reordered = await run({ ...november, metrics: ['orders', 'conversion_rate', 'revenue'] });
    expect([reordered.result, reordered.answer.totals]).toEqual(['hit', first.answer.totals]);
    expect(computed).toBe(n);
    // Series keep their bucket times through JSON.
    const series = await run(early);
    expect(series.result).toBe('miss');
    expect(await run(early)).toEqual({ answer: series.answer, result: 'hit' });
    expect(series.answer.rows[0]?.time).toEqual(new Date('2025-11-03T00:00:00Z'));
    expect(await direct.query(early)).toEqual(series.answer);

    const raw = new RawRedis(DEFAULT_TEST_REDIS);
    try {
      const keys = await raw.keys(`${prefix.prefix}:query-cache:q:*`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        const ttl = await raw.ttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60);
      }
    } finally {
      raw.disconnect();
    }
    expect(await run({ ...november, comparePrevious: true })).toMatchObject({ result: 'miss' });
    expect(await cached.query(november, { bypassCache: true })).toEqual(first.answer);
    expect(results.at(-1)).toBe('bypass');
  });

  it('invalidates exactly the queries over days whose buckets a late event changed', async () => {
    for (const q of [november, early, on20th, around20th]) await run(q);
    const before = {
      november: (await run(november)).answer,
      on20th: (await run(on20th)).answer,
      around20th: (await run(around20th)).answer,
    };
    expect(before.on20th.totals).toEqual({ revenue: 80, new_users: 1 });
    expect(before.around20th.totals).toEqual({ users: 1, new_users: 1 });

    // Late: a purchase on the 26th, and u3 (first seen on the 20th) had visited on the 8th.
    await db.write([
      testEvent('2025-11-26T15:00:00Z', {
        userId: 'u7',
        sessionId: 's7',
        eventType: 'purchase',
        commerce: { orderId: 'o7', revenue: { amount: 40, currency: 'EUR' } },
        enrichment: { region: 'Berlin' },
      }),
      testEvent('2025-11-08T10:00:00Z', { userId: 'u3', sessionId: 's8', eventType: 'page_view' }),
    ]);
    // The rollups still hold the old buckets until the worker has run: still cached.
    expect((await run(november)).result).toBe('hit');
    // The two late hours, then u3's former first hour on the 20th, whose sketch of new users loses u3.
    expect(await worker.drain()).toBe(3);

    // November holds both late events: recomputed (2 more sessions, one of them buying).
    const november2 = await run(november);
    expect(november2.result).toBe('miss');
    expect(november2.answer.totals).toEqual({ revenue: 370, orders: 3, conversion_rate: 50 });
    expect(await direct.query(november)).toEqual(november2.answer);
    // The 20th holds neither late event, but u3 is no longer new there: queries over it recompute too.
    const on20th2 = await run(on20th);
    expect([on20th2.result, on20th2.answer.totals]).toEqual(['miss', { revenue: 80, new_users: 0 }]);
    const around2 = await run(around20th);
    expect([around2.result, around2.answer.totals]).toEqual(['miss', { users: 1, new_users: 0 }]);
    expect(await direct.query(around20th)).toEqual(around2.answer);
    // 1–6 Nov touches none of the changed days: still served from Redis.
    expect((await run(early)).result).toBe('hit');
    // And the fresh answers are cached in turn.
    expect((await run(november)).result).toBe('hit');
    expect((await run(on20th)).result).toBe('hit');
  });

  it('starts a new epoch when the generations are lost, so no entry stored before matches', async () => {
    expect((await run(early)).result).toBe('hit');
    await redis.del('query-cache:generations');
    expect((await run(early)).result).toBe('miss');
    expect((await run(early)).result).toBe('hit');
  });

  it('serves nothing while a failed invalidation is pending, and retries it before the next lookup', async () => {
    const seen: CacheResult[] = [];
    const client = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: prefix.prefix, failFast: true });
    const other = createQueryCache({ redis: client, ttlSeconds: 60, onResult: (r) => seen.push(r) });
    try {
      await ready(client);
      const generation = (await redis.hget('query-cache:generations', '2025-11-03')) ?? '0';
      // Another replica shares the entries.
      await other.read(early, () => direct.query(early));
      expect(seen).toEqual(['hit']);
      const ended = new Promise((resolve) => client.once('end', resolve));
      client.disconnect();
      await ended;
      await other.invalidate(['2025-11-03']);
      expect(other.pendingInvalidations).toBe(1);
      await client.connect();
      await other.read(early, () => direct.query(early));
      expect([seen.at(-1), other.pendingInvalidations]).toEqual(['miss', 0]);
      expect(await redis.hget('query-cache:generations', '2025-11-03')).toBe(String(Number(generation) + 1));
    } finally {
      client.disconnect();
    }
  });

  it('answers correctly with Redis unreachable, and retries the invalidation later', async () => {
    const down: unknown[] = [];
    const gone = createRedis({ url: 'redis://127.0.0.1:1', keyPrefix: 'test:down', failFast: true });
    gone.on('error', () => undefined);
    const seen: CacheResult[] = [];
    const offline = createQueryCache({
      redis: gone,
      ttlSeconds: 60,
      onResult: (r) => seen.push(r),
      onUnavailable: (e) => down.push(e),
    });
    try {
      const reader = withQueryCache(direct, offline);
      expect(await reader.query(november)).toEqual(await direct.query(november));
      expect(await reader.query(on20th)).toEqual(await direct.query(on20th));
      expect(seen).toEqual(['error', 'error']);
      // Reported once, not once per query.
      expect(down).toHaveLength(1);
      await offline.invalidate(['2025-11-20', '2025-11-21']);
      expect(offline.pendingInvalidations).toBe(2);
    } finally {
      gone.disconnect();
    }
  });
});
