import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { MetricsService } from '@broxiva/contracts';
import { createOrm, type Orm } from '@broxiva/db';
import { withTestDatabase, type TestDatabase } from '@broxiva/db/testing';
import {
  createDashboardStore,
  createMetricsReader,
  createQueryCache,
  createRollupWorker,
  DashboardEntity,
  dashboardMigrations,
  type MetricsReader,
  type QueryCache,
  type RollupWorker,
} from '@broxiva/metrics-data-access';
import { testEvent, withAnalyticsDatabase } from '@broxiva/metrics-data-access/testing';
import { createRedis, ready, type Redis } from '@broxiva/redis';
import { DEFAULT_TEST_REDIS, withTestPrefix } from '@broxiva/redis/testing';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry } from '@broxiva/telemetry';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { migratePlatform } from './migrate.js';
import { createQueryGate } from './query-gate.js';
import { createQueryMetrics } from './query-metrics.js';

const logger = createLogger({ service: 'metrics-test', level: 'FATAL' });
let analytics: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let platform: TestDatabase;
let orm: Orm;
let worker: RollupWorker;
let redis: Redis;
const prefix = withTestPrefix();
const servers: RpcServer[] = [];

interface TestApp {
  server: RpcServer;
  client: Client<typeof MetricsService>;
  registry: Registry;
  /** POSTs a Connect JSON request over HTTP/1.1, with extra headers. */
  post(method: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** The real service on real ports, with its own gate, QUERY_TIMEOUT, registry and (optionally) cache. */
async function startApp(o: {
  maxConcurrent: number;
  maxWaitMs: number;
  timeoutMs: number;
  cache?: (registry: ReturnType<typeof createQueryMetrics>) => QueryCache;
}): Promise<TestApp> {
  const registry = createMetricsRegistry({ service: 'metrics-test' });
  const metrics = createQueryMetrics(registry, () => worker.lagSeconds());
  const cache = o.cache?.(metrics);
  const app = buildApp({
    reader: createMetricsReader({ pool: analytics.pool, timeoutMs: o.timeoutMs }),
    dashboards: createDashboardStore(orm),
    gate: createQueryGate({ maxConcurrent: o.maxConcurrent, maxWaitMs: o.maxWaitMs }),
    ...(cache === undefined ? {} : { cache }),
    metrics,
    currency: 'EUR',
  });
  const server = createRpcServer({
    routes: app.routes,
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    cors: { allowedOrigins: '*' },
    logger,
  });
  await server.start();
  servers.push(server);
  const client = createClient(
    MetricsService,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
  );
  const post = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${server.httpPort}/broxiva.analytics.metrics.v1.MetricsService/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { server, client, registry, post };
}

// 40,000 events over 40 days: enough that a raw-event query by category takes far longer than the
// gate's wait and the tiny QUERY_TIMEOUT below.
const EVENTS = 40_000;
const FIRST = Date.parse('2025-10-01T00:00:00Z');
const TYPES = ['page_view', 'product_view', 'add_to_cart', 'checkout_start', 'purchase'] as const;
const CATEGORIES = ['electronics', 'books', 'garden', 'toys'];
const REGIONS = ['Bavaria', 'Berlin', 'California', 'Texas', 'Ontario'];

function syntheticEvents() {
  return Array.from({ length: EVENTS }, (_, i) => {
    const type = TYPES[i % TYPES.length] ?? 'page_view';
    const category = CATEGORIES[i % CATEGORIES.length] ?? '';
    const item = {
      productId: `p${i % 97}`,
      category,
      price: { amount: 10 + (i % 7), currency: 'EUR' },
      quantity: 1,
    };
    return testEvent(new Date(FIRST + i * 86_400).toISOString(), {
      userId: `u${i % 3001}`,
      sessionId: `s${Math.floor(i / 5)}`,
      eventType: type,
      properties: { category },
      enrichment: {
        region: REGIONS[i % REGIONS.length] ?? '',
        deviceType: i % 2 === 0 ? 'mobile' : 'desktop',
      },
      ...(type === 'purchase'
        ? {
            commerce: { orderId: `o${i}`, revenue: { amount: 10 + (i % 7), currency: 'EUR' }, items: [item] },
          }
        : type === 'add_to_cart'
          ? { commerce: { cartId: `c${i}`, items: [item] } }
          : {}),
    });
  });
}

beforeAll(async () => {
  analytics = await withAnalyticsDatabase();
  platform = await withTestDatabase();
  await migratePlatform(platform.url);
  orm = await createOrm({ url: platform.url, entities: [DashboardEntity], migrations: dashboardMigrations });
  const events = syntheticEvents();
  for (let i = 0; i < events.length; i += 10_000) await analytics.write(events.slice(i, i + 10_000));
  redis = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: prefix.prefix, failFast: true });
  await ready(redis);
  // Read by the rollup-lag gauge on every scrape; the cache test makes one that invalidates.
  worker = createRollupWorker({ pool: analytics.pool, shopTimeZone: 'UTC' });
}, 120_000);
afterAll(async () => {
  for (const s of servers) await s.stop();
  redis?.disconnect();
  await prefix.cleanup();
  await orm?.close(true);
  await platform?.drop();
  await analytics?.drop();
});

// Off the hour, so it is answered from raw events: 40 days, by category and region, with distinct counts.
const METRICS = ['revenue', 'orders', 'conversion_rate', 'users'] as const;
const DIMENSIONS = ['category', 'region'] as const;
const slowQuery = {
  startDate: '2025-10-01T00:00:30Z',
  endDate: '2025-11-10T00:00:00Z',
  metrics: [...METRICS],
  dimensions: [...DIMENSIONS],
};
const ts = (iso: string) => timestampFromDate(new Date(iso));
const slowRpc = {
  ...slowQuery,
  startDate: ts(slowQuery.startDate),
  endDate: ts(slowQuery.endDate),
};

/** The value of one sample line of the Prometheus text, 0 when absent. */
async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const text = await registry.metrics();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('query protection through the real service', () => {
  it('refuses queries beyond MAX_CONCURRENT_QUERIES with ResourceExhausted (HTTP 429), after the wait', async () => {
    const app = await startApp({ maxConcurrent: 2, maxWaitMs: 20, timeoutMs: 30_000 });
    // The premise: one query alone takes much longer than the 20 ms a waiting query is given.
    const started = performance.now();
    const alone = await app.post('QueryMetrics', slowQuery);
    expect(alone.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThan(60);
    const expected = await alone.json();
    expect(Object.keys((expected as { totals: object }).totals).sort()).toEqual([
      'conversion_rate',
      'orders',
      'revenue',
      'users',
    ]);

    const responses = await Promise.all(Array.from({ length: 6 }, () => app.post('QueryMetrics', slowQuery)));
    const statuses = responses.map((r) => r.status).sort();
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<unknown>));
    const ok = bodies.filter((_, i) => responses[i]?.status === 200);
    const refused = bodies.filter((_, i) => responses[i]?.status === 429);
    // Two run at once; the rest wait 20 ms for a slot that does not free up in time.
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(ok.length + refused.length).toBe(6);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const b of ok) expect(b).toEqual(expected);
    for (const b of refused) {
      expect(b).toEqual({
        code: 'resource_exhausted',
        message: 'too many concurrent queries (limit 2); retry in a moment',
      });
    }

    // gRPC: the same refusal as its code.
    const grpc = await Promise.allSettled(Array.from({ length: 5 }, () => app.client.queryMetrics(slowRpc)));
    const codes = grpc.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: Code }).code));
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(codes.filter((c) => c === Code.ResourceExhausted).length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 'ok' || c === Code.ResourceExhausted)).toBe(true);

    // Every call is counted by outcome; only answered ones are timed.
    const answered = 1 + ok.length + codes.filter((c) => c === 'ok').length;
    const overloaded = refused.length + codes.filter((c) => c === Code.ResourceExhausted).length;
    const rpc = { rpc: 'QueryMetrics' };
    expect(await sample(app.registry, 'analytics_queries_total', { ...rpc, outcome: 'ok' })).toBe(answered);
    expect(await sample(app.registry, 'analytics_queries_total', { ...rpc, outcome: 'overloaded' })).toBe(
      overloaded,
    );
    expect(await sample(app.registry, 'analytics_query_duration_seconds_count', rpc)).toBe(answered);
    expect(
      await sample(app.registry, 'analytics_query_duration_seconds_bucket', { ...rpc, le: '0.05' }),
    ).toBe(0);
  });

  it('cancels a query in PostgreSQL after QUERY_TIMEOUT and answers DeadlineExceeded', async () => {
    const app = await startApp({ maxConcurrent: 4, maxWaitMs: 1_000, timeoutMs: 10 });
    const err = await app.client.queryMetrics(slowRpc).then(
      () => expect.fail('the query finished within 10 ms'),
      (e: unknown) => e as { code: Code; rawMessage: string },
    );
    expect([err.code, err.rawMessage]).toEqual([
      Code.DeadlineExceeded,
      'query exceeded QUERY_TIMEOUT; narrow the range or the dimensions',
    ]);
    const http = await app.post('QueryMetrics', slowQuery);
    expect(http.status).toBe(504);
    expect(await http.json()).toEqual({
      code: 'deadline_exceeded',
      message: 'query exceeded QUERY_TIMEOUT; narrow the range or the dimensions',
    });
    expect(
      await sample(app.registry, 'analytics_queries_total', { rpc: 'QueryMetrics', outcome: 'timeout' }),
    ).toBe(2);
    expect(
      await sample(app.registry, 'analytics_query_duration_seconds_count', { rpc: 'QueryMetrics' }),
    ).toBe(0);
    // The cancelled transactions were rolled back and their connections returned in a usable state.
    expect(
      (await analytics.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n,
    ).toBe(EVENTS);
  });

  it('answers repeated queries from the cache without a gate slot, and recomputes after a change', async () => {
    let cache: QueryCache | undefined;
    const app = await startApp({
      maxConcurrent: 1,
      maxWaitMs: 0,
      timeoutMs: 30_000,
      cache: (m) => (cache = createQueryCache({ redis, ttlSeconds: 60, onResult: m.onCache })),
    });
    worker = createRollupWorker({ pool: analytics.pool, shopTimeZone: 'UTC', invalidate: cache?.invalidate });
    await worker.drain();
    const direct: MetricsReader = createMetricsReader({ pool: analytics.pool, timeoutMs: 30_000 });
    const first = await app.post('QueryMetrics', slowQuery);
    expect(first.status).toBe(200);
    const answer = await first.json();
    // Hits need no slot: with one slot and no wait, 4 at once would otherwise be refused.
    const hits = await Promise.all(Array.from({ length: 4 }, () => app.post('QueryMetrics', slowQuery)));
    expect(hits.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const r of hits) expect(await r.json()).toEqual(answer);
    const fresh = await app.post('QueryMetrics', slowQuery, { 'cache-control': 'no-cache' });
    expect(await fresh.json()).toEqual(answer);

    const revenue = { range: { startDate: '2025-10-01T00:00:00Z', endDate: '2025-10-31T00:00:00Z' } };
    const r1 = await (await app.post('GetRevenue', revenue)).json();
    const r2 = await (await app.post('GetRevenue', revenue)).json();
    expect(r2).toEqual(r1);
    expect(await sample(app.registry, 'analytics_query_cache_total', { result: 'miss' })).toBe(1 + 3);
    expect(await sample(app.registry, 'analytics_query_cache_total', { result: 'hit' })).toBe(4 + 3);
    expect(await sample(app.registry, 'analytics_query_cache_total', { result: 'bypass' })).toBe(1);

    // A late purchase on 5 October: recomputed answers, equal to what PostgreSQL says without the cache.
    await analytics.write([
      testEvent('2025-10-05T12:00:00Z', {
        userId: 'late',
        sessionId: 'late',
        eventType: 'purchase',
        commerce: { orderId: 'late', revenue: { amount: 1000, currency: 'EUR' } },
      }),
    ]);
    expect(await worker.drain()).toBe(1);
    const r3 = (await (await app.post('GetRevenue', revenue)).json()) as { total: number };
    expect(r3.total).toBe((r1 as { total: number }).total + 1000);
    const after = await app.client.queryMetrics(slowRpc);
    const q = {
      start: new Date(slowQuery.startDate),
      end: new Date(slowQuery.endDate),
      metrics: METRICS,
      dimensions: DIMENSIONS,
      filters: [],
      granularity: undefined,
      timeZone: 'UTC',
      comparePrevious: false,
    };
    expect(after.totals).toEqual((await direct.query(q)).totals);
    expect(await sample(app.registry, 'analytics_query_cache_total', { result: 'miss' })).toBe(1 + 3 + 3 + 1);
  });
});
