import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import {
  AnomalyDirection,
  Granularity,
  InsightsService,
  MetricsService,
  QueryMetricsResponseSchema,
  type QueryMetricsRequest,
} from '@broxiva/contracts';
import { errorInterceptor } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { describe, expect, it } from 'vitest';
import { createMetricsBreakdownLoader, createMetricsSeriesLoader } from '../adapters/metrics-series.js';
import { buildApp } from '../app.js';

const NOW = new Date('2024-03-15T10:30:00Z');
const HOUR = 3_600_000;

/** Hourly orders: 100 ± 40 over the day, with a drop to 30 % at 2024-03-15T06:00Z; eu holds 85 % of orders. */
function ordersAt(t: number): number {
  const base = Math.round(
    100 + 40 * Math.sin((2 * Math.PI * new Date(t).getUTCHours()) / 24) + 3 * Math.sin(t / HOUR),
  );
  return t === Date.parse('2024-03-15T06:00:00Z') ? Math.round(base * 0.3) : base;
}

/** Orders of one segment: us keeps 15 % of the usual level (so the drop is all eu); devices split 60/40. */
function segmentOrders(dimension: string, t: number): Record<string, number> {
  if (dimension === 'region') {
    const us = Math.round(ordersAt(t === Date.parse('2024-03-15T06:00:00Z') ? t - 24 * HOUR : t) * 0.15);
    return { eu: ordersAt(t) - us, us };
  }
  if (dimension === 'device') return { mobile: 0.6 * ordersAt(t), desktop: 0.4 * ordersAt(t) };
  return {};
}

function setup(settings: Partial<Parameters<typeof buildApp>[0]['settings']> = {}, breakdowns = false) {
  const queries: QueryMetricsRequest[] = [];
  // In-memory Metrics service standing in for the rollups: one row per hour with orders.
  const metricsTransport = createRouterTransport(({ service }) =>
    service(MetricsService, {
      queryMetrics(req) {
        queries.push(req);
        const start = timestampDate(req.startDate!).getTime();
        const end = timestampDate(req.endDate!).getTime();
        const rows = [];
        const dimension = req.dimensions[0];
        for (let t = start; t < end; t += HOUR) {
          if (dimension === undefined) {
            rows.push({ time: timestampFromDate(new Date(t)), values: { orders: ordersAt(t) } });
            continue;
          }
          for (const [value, orders] of Object.entries(segmentOrders(dimension, t))) {
            rows.push({
              time: timestampFromDate(new Date(t)),
              dimensions: { [dimension]: value },
              values: { orders },
            });
          }
        }
        return create(QueryMetricsResponseSchema, { rows });
      },
    }),
  );
  const metrics = createClient(MetricsService, metricsTransport);
  const app = buildApp({
    loadSeries: createMetricsSeriesLoader(metrics),
    ...(breakdowns ? { loadBreakdown: createMetricsBreakdownLoader(metrics) } : {}),
    now: () => NOW,
    settings: { forecasting: true, anomalyDetection: true, horizonDays: 2, sensitivity: 0.95, ...settings },
  });
  const logger = createLogger({ service: 'insights-test', level: 'FATAL' });
  const transport = createRouterTransport(app.routes, {
    router: { interceptors: [errorInterceptor(logger)] },
  });
  return { client: createClient(InsightsService, transport), queries };
}

const metric = { metric: 'orders', filters: [{ dimension: 'region', values: ['eu'] }] };

describe('InsightsService over stored metrics (QueryMetrics)', () => {
  it('DetectAnomalies loads the last 24 h plus context by hour and reports the drop', async () => {
    const { client, queries } = setup();
    const res = await client.detectAnomalies({ source: { case: 'metric', value: metric } });
    expect(queries[0]!.metrics).toEqual(['orders']);
    expect(queries[0]!.granularity).toBe(Granularity.HOUR);
    expect(queries[0]!.filters[0]!.values).toEqual(['eu']);
    // The current hour (10:00) is still filling: the window ends before it.
    expect(timestampDate(queries[0]!.endDate!).toISOString()).toBe('2024-03-15T10:00:00.000Z');
    expect(timestampDate(queries[0]!.startDate!).toISOString()).toBe('2024-03-10T10:00:00.000Z');
    expect(res.series).toHaveLength(24);
    expect(res.anomalies).toHaveLength(1);
    const a = res.anomalies[0]!;
    expect(timestampDate(a.time!).toISOString()).toBe('2024-03-15T06:00:00.000Z');
    expect(a.direction).toBe(AnomalyDirection.DROP);
    expect(a.value).toBe(ordersAt(Date.parse('2024-03-15T06:00:00Z')));
    expect(a.explanation).toMatch(/^orders fell \d+ % \(expected [\d.]+\)$/);
    expect(a.contributors).toEqual([]);
  });

  it('DetectAnomalies explains a stored-metric anomaly by the dimension values that carry it', async () => {
    const { client, queries } = setup({}, true);
    const res = await client.detectAnomalies({
      source: { case: 'metric', value: { metric: 'orders', filters: [] } },
    });
    expect(res.anomalies).toHaveLength(1);
    const a = res.anomalies[0]!;
    // The drop is all in eu (us keeps its usual 15 %): eu explains it entirely; devices split it 60/40.
    expect(a.contributors.map((c) => [c.dimension, c.value])).toEqual([
      ['region', 'eu'],
      ['device', 'mobile'],
      ['device', 'desktop'],
    ]);
    expect(a.contributors[0]!.share).toBeCloseTo(1, 1);
    const at6 = Date.parse('2024-03-15T06:00:00Z');
    expect(a.contributors[0]!.actual).toBe(ordersAt(at6) - Math.round(ordersAt(at6 - 24 * HOUR) * 0.15));
    expect(a.explanation).toMatch(/^orders fell \d+ % \(expected [\d.]+\), \d+ % of the drop in region eu$/);
    // One breakdown query per dimension, over the bucket and the same hour on the four days before.
    const breakdowns = queries.filter((q) => q.dimensions.length > 0);
    expect(breakdowns.map((q) => q.dimensions[0])).toEqual(['region', 'category', 'channel', 'device']);
    expect(timestampDate(breakdowns[0]!.startDate!).toISOString()).toBe('2024-03-11T06:00:00.000Z');
    expect(timestampDate(breakdowns[0]!.endDate!).toISOString()).toBe('2024-03-15T07:00:00.000Z');
  });

  it('Forecast of a stored metric defaults to FORECAST_HORIZON_DAYS in the granularity', async () => {
    const { client } = setup();
    const res = await client.forecast({
      source: { case: 'metric', value: metric },
      granularity: Granularity.HOUR,
    });
    expect(res.forecast).toHaveLength(48);
    expect(timestampDate(res.forecast[0]!.time!).toISOString()).toBe('2024-03-15T10:00:00.000Z');
    expect(res.intervalLevel).toBe(0.8);
    expect(res.accuracy!.backtestFolds).toBe(3);
    // The history has the 06:00 drop in it, yet the next day's 06:00 is forecast near its usual level.
    const at6 = res.forecast.find(
      (p) => timestampDate(p.time!).toISOString() === '2024-03-16T06:00:00.000Z',
    )!;
    expect(Math.abs(at6.value - ordersAt(Date.parse('2024-03-16T06:00:00Z')))).toBeLessThan(10);
  });

  it('GetTrends over a range reports a flat, daily-seasonal series', async () => {
    const { client } = setup();
    const res = await client.getTrends({
      metric: 'orders',
      startDate: timestampFromDate(new Date('2024-03-01T00:00:00Z')),
      endDate: timestampFromDate(new Date('2024-03-08T00:00:00Z')),
      granularity: Granularity.HOUR,
    });
    expect(res.series).toHaveLength(168);
    expect(res.direction).toBe('flat');
    expect(res.seasonalityStrength['daily']).toBeGreaterThan(0.9);
  });

  it('feature flags turn Forecast and DetectAnomalies into FailedPrecondition', async () => {
    const { client } = setup({ forecasting: false, anomalyDetection: false });
    const source = { case: 'metric' as const, value: metric };
    await expect(client.forecast({ source })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: 'forecasting is disabled (ENABLE_FORECASTING=false)',
    });
    await expect(client.detectAnomalies({ source })).rejects.toMatchObject({ code: Code.FailedPrecondition });
  });

  it('a too-short inline series is InvalidArgument naming the rule', async () => {
    const { client } = setup();
    const points = [1, 2, 3].map((value, i) => ({
      time: timestampFromDate(new Date(NOW.getTime() + i * HOUR)),
      value,
    }));
    await expect(client.forecast({ source: { case: 'series', value: { points } } })).rejects.toThrow(
      '[invalid_argument] invalid request: series.points: at least 10 known points are needed to forecast, got 3',
    );
  });
});
