import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import {
  DashboardSchema,
  Granularity,
  MetricsService,
  QueryMetricsRequestSchema,
  WidgetKind,
} from '@broxiva/contracts';
import { createOrm, type Orm } from '@broxiva/db';
import { withTestDatabase, type TestDatabase } from '@broxiva/db/testing';
import {
  createDashboardStore,
  createMetricsReader,
  createRollupWorker,
  DashboardEntity,
  dashboardMigrations,
} from '@broxiva/metrics-data-access';
import { fixtureEvents, withAnalyticsDatabase } from '@broxiva/metrics-data-access/testing';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry } from '@broxiva/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { migratePlatform } from './migrate.js';
import { createQueryGate } from './query-gate.js';
import { createQueryMetrics } from './query-metrics.js';

const logger = createLogger({ service: 'metrics-test', level: 'FATAL' });
let analytics: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let platform: TestDatabase;
let orm: Orm;
let server: RpcServer;
let client: Client<typeof MetricsService>;
const registry = createMetricsRegistry({ service: 'metrics-test' });

beforeAll(async () => {
  analytics = await withAnalyticsDatabase();
  platform = await withTestDatabase();
  expect(await migratePlatform(platform.url)).toEqual(['Migration20261201000000_dashboards']);
  orm = await createOrm({ url: platform.url, entities: [DashboardEntity], migrations: dashboardMigrations });
  await analytics.write(fixtureEvents());
  const worker = createRollupWorker({ pool: analytics.pool, shopTimeZone: 'UTC' });
  await worker.drain();
  const app = buildApp({
    reader: createMetricsReader({ pool: analytics.pool, timeoutMs: 5_000 }),
    dashboards: createDashboardStore(orm),
    gate: createQueryGate({ maxConcurrent: 4, maxWaitMs: 1_000 }),
    metrics: createQueryMetrics(registry, () => worker.lagSeconds()),
    currency: 'EUR',
  });
  server = createRpcServer({
    routes: app.routes,
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    cors: { allowedOrigins: '*' },
    logger,
    httpHandlers: {
      '/metrics': async (_req, res) => {
        res.end(await registry.metrics());
      },
    },
  });
  await server.start();
  client = createClient(
    MetricsService,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
  );
});
afterAll(async () => {
  await server?.stop();
  await orm?.close(true);
  await platform?.drop();
  await analytics?.drop();
});

const ts = (iso: string) => timestampFromDate(new Date(iso));
const november = { startDate: ts('2025-11-01T00:00:00Z'), endDate: ts('2025-12-01T00:00:00Z') };

async function rpcError(call: Promise<unknown>) {
  try {
    await call;
  } catch (e) {
    return e as { code: Code; rawMessage: string };
  }
  return expect.fail('the call succeeded');
}

describe('MetricsService', () => {
  it('answers the documented example over HTTP/1.1 JSON (Connect protocol)', async () => {
    const res = await fetch(
      `http://127.0.0.1:${server.httpPort}/broxiva.analytics.metrics.v1.MetricsService/QueryMetrics`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          startDate: '2025-11-01T00:00:00Z',
          endDate: '2025-12-01T00:00:00Z',
          metrics: ['revenue', 'orders', 'conversion_rate'],
          dimensions: ['category', 'region'],
          filters: [{ dimension: 'category', values: ['electronics'] }],
        }),
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      rows: [
        {
          dimensions: { category: 'electronics', region: 'Bavaria' },
          values: { revenue: 200, orders: 1, conversion_rate: 100 },
        },
        {
          dimensions: { category: 'electronics', region: 'Berlin' },
          values: { revenue: 80, orders: 1, conversion_rate: 100 },
        },
        {
          dimensions: { category: 'electronics', region: 'California' },
          values: { revenue: 0, orders: 0, conversion_rate: 0 },
        },
      ],
      totals: { revenue: 280, orders: 2, conversion_rate: 66.67 },
    });
  });

  it('compares with the previous period', async () => {
    const r = await client.queryMetrics({
      ...november,
      metrics: ['revenue', 'users'],
      comparePrevious: true,
    });
    expect(r.totals).toEqual({ revenue: 330, users: 4 });
    expect(r.previousTotals).toEqual({ revenue: 100, users: 2 });
    expect(r.changePercent).toEqual({ revenue: 230, users: 100 });
  });

  it('refuses unknown names, inverted ranges and ranges too long for the granularity', async () => {
    const unknown = await rpcError(
      client.queryMetrics({ ...november, metrics: ['revenue', 'profit'], dimensions: ['colour'] }),
    );
    expect(unknown.code).toBe(Code.InvalidArgument);
    expect(unknown.rawMessage).toBe(
      'invalid request: metrics[1]: unknown metric "profit"; valid: revenue, orders, conversion_rate, ' +
        'average_order_value, sessions, users, new_users, page_views, product_views, add_to_cart, ' +
        'checkout_starts, cart_abandonment_rate, items_sold; dimensions[0]: unknown dimension "colour"; ' +
        'valid: category, region, country, device, browser, os, event_type, channel, utm_source, referrer_domain',
    );
    const inverted = await rpcError(
      client.queryMetrics({ startDate: november.endDate, endDate: november.startDate, metrics: ['orders'] }),
    );
    expect([inverted.code, inverted.rawMessage]).toEqual([
      Code.InvalidArgument,
      'invalid request: end_date: must be after start_date',
    ]);
    const long = await rpcError(
      client.queryMetrics({
        startDate: ts('2025-01-01T00:00:00Z'),
        endDate: ts('2025-04-05T00:00:00Z'),
        metrics: ['orders'],
        granularity: Granularity.HOUR,
      }),
    );
    expect([long.code, long.rawMessage]).toEqual([
      Code.InvalidArgument,
      'invalid request: end_date: a range of 94 days is too long for granularity hour ' +
        '(at most 92 days; use granularity day or coarser for longer ranges)',
    ]);
  });

  it('summarises revenue, orders and users with series, top values and change', async () => {
    const range = { ...november, granularity: Granularity.DAY, timezone: 'UTC' };
    const revenue = await client.getRevenue({ range });
    expect([revenue.total, revenue.currency, revenue.previousTotal, revenue.changePercent]).toEqual([
      330,
      'EUR',
      100,
      230,
    ]);
    expect(revenue.series).toHaveLength(30);
    expect(revenue.series.filter((p) => p.value !== 0).map((p) => [p.time?.seconds, p.value])).toEqual([
      [BigInt(Date.parse('2025-11-03T00:00:00Z') / 1000), 250],
      [BigInt(Date.parse('2025-11-20T00:00:00Z') / 1000), 80],
    ]);
    expect(revenue.topCategories.map((b) => [b.key, b.value])).toEqual([
      ['electronics', 280],
      ['books', 50],
    ]);
    expect(revenue.topRegions.map((b) => [b.key, b.value])).toEqual([
      ['Bavaria', 250],
      ['Berlin', 80],
      ['California', 0],
    ]);
    const orders = await client.getOrders({ range });
    expect([
      orders.total,
      orders.averageOrderValue,
      orders.itemsSold,
      orders.previousTotal,
      orders.changePercent,
    ]).toEqual([2n, 165, 4, 1n, 100]);
    const users = await client.getUsers({ range });
    expect([
      users.total,
      users.newUsers,
      users.returningUsers,
      users.previousTotal,
      users.changePercent,
    ]).toEqual([4n, 2n, 2n, 2n, 100]);
    expect(users.byDevice.map((b) => [b.key, b.value])).toEqual([
      ['mobile', 3],
      ['desktop', 1],
    ]);
  });

  it('creates, lists, updates, evaluates and deletes dashboards, refusing invalid widgets', async () => {
    const widget = (
      id: string,
      kind: WidgetKind,
      metrics: string[],
      granularity = Granularity.UNSPECIFIED,
    ) => ({
      id,
      title: id,
      kind,
      query: create(QueryMetricsRequestSchema, { ...november, metrics, granularity }),
    });
    const created = await client.createDashboard({
      dashboard: create(DashboardSchema, {
        name: 'Sales',
        description: 'November',
        widgets: [widget('revenue', WidgetKind.NUMBER, ['revenue'])],
      }),
    });
    const id = created.dashboard?.id ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.getDashboard({ id })).dashboard?.widgets.map((w) => w.query?.metrics)).toEqual([
      ['revenue'],
    ]);

    const bad = await rpcError(
      client.createDashboard({
        dashboard: create(DashboardSchema, {
          name: '',
          widgets: [widget('w', WidgetKind.TIME_SERIES, ['profit'])],
        }),
      }),
    );
    expect([bad.code, bad.rawMessage]).toEqual([
      Code.InvalidArgument,
      'invalid request: dashboard.name: is required; dashboard.widgets[0].query.metrics[0]: unknown metric "profit"; ' +
        'valid: revenue, orders, conversion_rate, average_order_value, sessions, users, new_users, page_views, ' +
        'product_views, add_to_cart, checkout_starts, cart_abandonment_rate, items_sold',
    ]);

    const second = await client.createDashboard({ dashboard: { name: 'Traffic', widgets: [] } });
    const page1 = await client.listDashboards({ pageSize: 1 });
    expect(page1.dashboards.map((d) => d.name)).toEqual(['Sales']);
    const page2 = await client.listDashboards({ pageSize: 1, pageToken: page1.nextPageToken });
    expect([page2.dashboards.map((d) => d.name), page2.nextPageToken]).toEqual([['Traffic'], '']);

    const updated = await client.updateDashboard({
      dashboard: {
        id,
        name: 'Sales 2',
        widgets: [
          widget('revenue', WidgetKind.NUMBER, ['revenue']),
          widget('daily', WidgetKind.TIME_SERIES, ['orders'], Granularity.MONTH),
        ],
      },
    });
    expect(updated.dashboard?.name).toBe('Sales 2');

    const evaluated = await client.evaluateDashboard({
      id,
      range: { start: ts('2025-10-01T00:00:00Z'), end: ts('2025-11-01T00:00:00Z') },
    });
    expect(evaluated.results.map((r) => [r.widgetId, r.result?.totals])).toEqual([
      ['revenue', { revenue: 100 }],
      ['daily', { orders: 1 }],
    ]);

    await client.deleteDashboard({ id });
    const gone = await rpcError(client.getDashboard({ id }));
    expect([gone.code, gone.rawMessage]).toEqual([Code.NotFound, `dashboard ${id} not found`]);
    expect((await rpcError(client.deleteDashboard({ id }))).code).toBe(Code.NotFound);
    await client.deleteDashboard({ id: second.dashboard?.id ?? '' });
    expect((await client.listDashboards({})).dashboards).toEqual([]);
  });

  it('exports query counts, durations and the rollup lag', async () => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`);
    const text = await res.text();
    // QueryMetrics ran twice successfully (the JSON call and the comparison) and failed validation 3 times.
    expect(text).toMatch(/analytics_queries_total\{[^}]*rpc="QueryMetrics",outcome="ok"[^}]*\} 2\n/);
    expect(text).toMatch(/analytics_query_duration_seconds_count\{[^}]*rpc="GetRevenue"[^}]*\} 1\n/);
    expect(text).toMatch(/analytics_rollup_lag_seconds(\{[^}]*\})? 0\n/);
  });
});
