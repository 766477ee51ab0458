import { timestampDate } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, createConnectTransport } from '@connectrpc/connect-node';
import { fromBinary } from '@bufbuild/protobuf';
import {
  AnomalyAlertSchema,
  AnomalyDirection,
  Granularity,
  InsightsService,
  MetricsService,
  type AnomalyAlert,
  type WatchAlertsResponse,
} from '@broxiva/contracts';
import { connectBus, topology, type Bus } from '@broxiva/bus';
import { destroyTopology, testPrefix, TEST_LIMITS } from '@broxiva/bus/testing';
import { withTestDatabase, type TestDatabase } from '@broxiva/db/testing';
import { createRollupWorker } from '@broxiva/metrics-data-access';
import { testEvent, withAnalyticsDatabase } from '@broxiva/metrics-data-access/testing';
import { createRedis, type Redis } from '@broxiva/redis';
import { DEFAULT_TEST_REDIS, withTestPrefix } from '@broxiva/redis/testing';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { startAppProcess, type AppProcess } from '@broxiva/rpc/testing';
import { createLogger } from '@broxiva/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsBreakdownLoader, createMetricsSeriesLoader } from './adapters/metrics-series.js';
import { createAlertPublisher, createAlertSubscriber } from './adapters/nats-alerts.js';
import { createAlertClaims } from './adapters/redis-alert-claims.js';
import { checkAnomalies } from './alerts/anomaly-check.js';
import { buildApp } from './app.js';

const HOUR = 3_600_000;
// Now is 10 minutes into the current hour; the last complete hour is the one before it.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR + 10 * 60_000);
const LAST = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Orders in region `region` in the hour starting at `t`: a daily cycle plus a little hash noise; eu drops to 0 in LAST. */
function ordersIn(region: 'eu' | 'us', t: number): number {
  if (region === 'eu' && t === LAST.getTime()) return 0;
  const hour = new Date(t).getUTCHours();
  const noise = ((t / HOUR) * 2654435761) % 3;
  return region === 'eu' ? 8 + (hour >= 8 && hour < 20 ? 6 : 0) + Math.floor(noise) : 4;
}

let analytics: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let platform: TestDatabase;
let metricsApp: AppProcess;
let bus: Bus;
let redis: Redis;
let redisKeys: ReturnType<typeof withTestPrefix>;
let server: RpcServer;
const prefix = testPrefix();
const topo = topology({ prefix, ...TEST_LIMITS });
let expectedEu = 0;

beforeAll(async () => {
  analytics = await withAnalyticsDatabase();
  platform = await withTestDatabase();
  const events = [];
  let n = 0;
  for (let t = LAST.getTime() - 8 * 24 * HOUR; t <= LAST.getTime(); t += HOUR) {
    for (const region of ['eu', 'us'] as const) {
      for (let k = 0; k < ordersIn(region, t); k++) {
        n += 1;
        events.push(
          testEvent(new Date(t + k * 60_000).toISOString(), {
            eventType: 'purchase',
            userId: `u${n}`,
            sessionId: `s${n}`,
            enrichment: {
              region,
              country: region === 'eu' ? 'DE' : 'US',
              deviceType: 'mobile',
              channel: 'direct',
            },
            commerce: { orderId: `o${n}`, revenue: { amount: 20, currency: 'EUR' } },
          }),
        );
      }
    }
  }
  for (let i = 0; i < events.length; i += 2000) await analytics.write(events.slice(i, i + 2000));
  await createRollupWorker({ pool: analytics.pool, shopTimeZone: 'UTC' }).drain();
  // Usual eu orders in LAST's hour of day, for the contributor's expected value (median of 4 days).
  const before = [1, 2, 3, 4]
    .map((d) => ordersIn('eu', LAST.getTime() - d * 24 * HOUR))
    .sort((a, b) => a - b);
  expectedEu = (before[1]! + before[2]!) / 2;

  // The real Metrics app serves the rollups, as in production; its bus names carry the test prefix.
  metricsApp = await startAppProcess('metrics', {
    METRICS_GRPC_PORT: '0',
    METRICS_HTTP_PORT: '0',
    ANALYTICS_DATABASE_URL: analytics.url,
    DATABASE_URL: platform.url,
    NATS_URL: natsUrl,
    NATS_STREAM_PREFIX: prefix,
    EVENTS_STREAM_MAX_GIB: '1',
    EVENTS_STREAM_MAX_AGE_HOURS: '24',
    QUERY_CACHE_TTL_SECONDS: '0',
    LOG_LEVEL: 'INFO',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  });
  bus = await connectBus({ url: natsUrl, name: 'insights-alerts-test' });
  redisKeys = withTestPrefix();
  redis = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: redisKeys.prefix });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await metricsApp?.stop();
  if (bus !== undefined) {
    await destroyTopology(bus.jsm, topo);
    await bus.close();
  }
  redis?.disconnect();
  await redisKeys?.cleanup();
  await platform?.drop();
  await analytics?.drop();
});

describe('continuous anomaly detection on real rollups, NATS and Redis', () => {
  it('publishes one alert for the injected drop, explained by region, relays it to WatchAlerts, and never twice', async () => {
    const metrics = createClient(
      MetricsService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${metricsApp.grpcPort}`, httpVersion: '2' }),
    );
    const loadSeries = createMetricsSeriesLoader(metrics);
    const loadBreakdown = createMetricsBreakdownLoader(metrics);
    const claims = createAlertClaims(redis);
    const deps = {
      loadSeries,
      loadBreakdown,
      ...claims,
      publish: createAlertPublisher(bus.nc, topo),
      now: () => NOW,
      sensitivity: 0.95,
      metrics: ['orders'],
    };

    // A client of WatchAlerts over a real gRPC port, and a plain NATS subscriber counting what is published.
    const app = buildApp({
      loadSeries,
      loadBreakdown,
      now: () => NOW,
      settings: { forecasting: true, anomalyDetection: true, horizonDays: 2, sensitivity: 0.95 },
      alerts: { subscribe: createAlertSubscriber(bus.nc, topo) },
    });
    server = createRpcServer({
      routes: app.routes,
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      cors: { allowedOrigins: '*' },
      logger: createLogger({ service: 'insights-test', level: 'FATAL' }),
    });
    await server.start();
    const insights = createClient(
      InsightsService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
    );
    const watching = new AbortController();
    const received: WatchAlertsResponse[] = [];
    const stream = (async () => {
      try {
        for await (const r of insights.watchAlerts({ metrics: ['orders'] }, { signal: watching.signal }))
          received.push(r);
      } catch {
        // aborted at the end of the test
      }
    })();
    const onNats: AnomalyAlert[] = [];
    const sub = bus.nc.subscribe(`${topo.subjects.anomalyAlerts}.>`, {
      callback: (_err, m) => {
        onNats.push(fromBinary(AnomalyAlertSchema, m.data));
      },
    });
    await bus.nc.flush();
    await new Promise((r) => setTimeout(r, 300)); // the WatchAlerts subscription is in place

    const first = await checkAnomalies(deps);
    expect(first).toHaveLength(1);
    const alert = first[0]!;
    expect(alert.id).toBe(`orders:hour:${LAST.toISOString()}:drop`);
    expect(alert.granularity).toBe(Granularity.HOUR);
    expect(timestampDate(alert.anomaly!.time!).toISOString()).toBe(LAST.toISOString());
    expect(alert.anomaly!.direction).toBe(AnomalyDirection.DROP);
    expect(alert.anomaly!.value).toBe(4); // us only
    // All of the drop is in region eu (us kept its 4 orders).
    const top = alert.anomaly!.contributors[0]!;
    expect([top.dimension, top.value, top.actual, top.expected]).toEqual(['region', 'eu', 0, expectedEu]);
    expect(top.share).toBeCloseTo(1, 6);
    expect(alert.anomaly!.explanation).toMatch(
      /^orders fell \d+ % \(expected [\d.]+\), 100 % of the drop in region eu$/,
    );

    // The next check sees the same bucket again: claimed already, nothing is published.
    expect(await checkAnomalies(deps)).toEqual([]);
    await bus.nc.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(onNats.map((a) => a.id)).toEqual([alert.id]);
    expect(received.map((r) => r.alert!.id)).toEqual([alert.id]);
    expect(await redis.ttl(`alerts:anomaly:${alert.id}`)).toBeGreaterThan(86_400);

    sub.unsubscribe();
    watching.abort();
    await stream;
  }, 60_000);
});
