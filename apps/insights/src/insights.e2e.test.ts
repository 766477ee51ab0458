import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AnomalyMode, InsightsService } from '@broxiva/contracts';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';

const DAY = 86_400_000;
const start = Date.parse('2024-01-01T00:00:00Z');
/** 16 weeks of daily revenue: grows 2 a day, weekends +30, with Monday 2024-03-04 missing. */
const daily = Array.from({ length: 112 }, (_, d) => ({
  time: timestampFromDate(new Date(start + d * DAY)),
  value: 500 + 2 * d + ([5, 6].includes(d % 7) ? 30 : 0),
})).filter((p) => timestampDate(p.time).toISOString() !== '2024-03-04T00:00:00.000Z');

let server: RpcServer;

beforeAll(async () => {
  const app = buildApp({
    loadSeries: () => Promise.reject(new Error('inline series only')),
    now: () => new Date(),
    settings: { forecasting: true, anomalyDetection: true, horizonDays: 30, sensitivity: 0.95 },
  });
  server = createRpcServer({
    routes: app.routes,
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    cors: { allowedOrigins: '*' },
    logger: createLogger({ service: 'insights-e2e', level: 'FATAL' }),
  });
  await server.start();
});

afterAll(() => server.stop());

describe('Insights over a real gRPC port with inline series', () => {
  it('forecasts 30 days of a growing weekly-cycled series with the missing day filled', async () => {
    const client = createClient(
      InsightsService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
    );
    const res = await client.forecast({ source: { case: 'series', value: { points: daily } } });
    expect(res.history).toHaveLength(111);
    expect(res.forecast).toHaveLength(30);
    expect(timestampDate(res.forecast[0]!.time!).toISOString()).toBe('2024-04-22T00:00:00.000Z');
    // Day 112 is a Monday: 500 + 224 = 724; day 117 a Saturday: 734 + 30.
    expect(res.forecast[0]!.value).toBeCloseTo(724, -1);
    expect(res.forecast[5]!.value).toBeCloseTo(764, -1);
    expect(res.forecast[0]!.lower).toBeLessThanOrEqual(res.forecast[0]!.value);
    expect(res.accuracy!.mase).toBeLessThan(0.2);
  });

  it('detects a spike causally in an inline series', async () => {
    const client = createClient(
      InsightsService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
    );
    const points = daily.map((p, i) => (i === 100 ? { ...p, value: p.value * 2 } : p));
    const res = await client.detectAnomalies({
      source: { case: 'series', value: { points } },
      mode: AnomalyMode.CAUSAL,
    });
    expect(res.method).toBe('causal-robust-stream');
    expect(res.anomalies.map((a) => timestampDate(a.time!).toISOString())).toEqual([
      timestampDate(points[100]!.time).toISOString(),
    ]);
  });
});
