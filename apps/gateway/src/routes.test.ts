import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  AnalyzeFunnelResponseSchema,
  CohortMetric,
  CohortType,
  EventStatus,
  Granularity,
  IngestService,
  InsightsService,
  MetricsService,
  OverviewSchema,
  RealtimeService,
  type AnalyzeCohortsRequest,
  type DetectAnomaliesRequest,
  type ForecastRequest,
  type GetRevenueRequest,
  type QueryMetricsRequest,
  type TrackRequest,
} from '@broxiva/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { startInMemoryGateway, type Services } from './testing/in-memory-gateway.js';

// Our own translation REST ⇄ contracts, over in-memory service implementations (createRouterTransport):
// the documented requests must reach the services as the right messages and come back in the documented shape.

let gateway: Awaited<ReturnType<typeof startInMemoryGateway>> | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});
const start = async (services: Services) => (gateway = await startInMemoryGateway(services));
const json = async (res: Response) => [res.status, await res.json()] as const;
const overview = create(OverviewSchema, {
  timestamp: timestampFromDate(new Date('2025-12-04T10:30:00Z')),
  activeUsers: 1247n,
  activeSessions: 892n,
  ordersToday: 156n,
  revenueToday: 15420.5,
  cartValueAvg: 85.3,
  conversionRate: 3.2,
  currency: 'USD',
});

describe('REST ⇄ contracts translation', () => {
  it('GET /realtime/overview answers the documented flat shape with numbers, not int64 strings', async () => {
    const g = await start({
      realtime: (r) => r.service(RealtimeService, { getOverview: () => ({ overview }) }),
    });
    expect(await json(await g.fetch('/realtime/overview'))).toEqual([
      200,
      {
        timestamp: '2025-12-04T10:30:00Z',
        active_users: 1247,
        active_sessions: 892,
        orders_today: 156,
        revenue_today: 15420.5,
        cart_value_avg: 85.3,
        conversion_rate: 3.2,
        currency: 'USD',
      },
    ]);
  });

  it('POST /dashboard/metrics turns the documented body (filters as an object) into QueryMetricsRequest', async () => {
    let seen: QueryMetricsRequest | undefined;
    const g = await start({
      metrics: (r) =>
        r.service(MetricsService, {
          queryMetrics(req) {
            seen = req;
            return {
              rows: [{ dimensions: { category: 'electronics', region: 'EU' }, values: { revenue: 1520.5 } }],
              totals: { revenue: 1520.5 },
            };
          },
        }),
    });
    const res = await g.fetch('/dashboard/metrics', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        start_date: '2025-11-01T00:00:00Z',
        end_date: '2025-12-01T00:00:00Z',
        metrics: ['revenue', 'orders', 'conversion_rate'],
        dimensions: ['category', 'region'],
        filters: { category: 'electronics' },
      }),
    });
    expect(await json(res)).toEqual([
      200,
      {
        rows: [{ dimensions: { category: 'electronics', region: 'EU' }, values: { revenue: 1520.5 } }],
        totals: { revenue: 1520.5 },
        previous_totals: {},
        change_percent: {},
      },
    ]);
    expect(timestampDate(seen?.startDate ?? create(OverviewSchema).timestamp!).toISOString()).toBe(
      '2025-11-01T00:00:00.000Z',
    );
    expect(seen?.metrics).toEqual(['revenue', 'orders', 'conversion_rate']);
    expect(seen?.dimensions).toEqual(['category', 'region']);
    expect(seen?.filters.map((f) => [f.dimension, f.values, f.negate])).toEqual([
      ['category', ['electronics'], false],
    ]);
  });

  it('GET /dashboard/revenue reads the range from the query; a missing start_date is a 400 naming it', async () => {
    let seen: GetRevenueRequest | undefined;
    const g = await start({
      metrics: (r) =>
        r.service(MetricsService, { getRevenue: (req) => ((seen = req), { total: 99.5, currency: 'EUR' }) }),
    });
    const res = await g.fetch(
      '/dashboard/revenue?start_date=2025-11-01&end_date=2025-12-01&granularity=daily',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ total: 99.5, currency: 'EUR', series: [], previous_total: 0 });
    expect(seen?.range?.granularity).toBe(Granularity.DAY);
    const bad = await g.fetch('/dashboard/revenue?end_date=2025-12-01&granularity=fortnightly&colour=red');
    expect(await json(bad)).toEqual([
      400,
      {
        code: 'invalid_argument',
        message: expect.any(String),
        violations: [
          { field: 'colour', rule: 'unknown_field', description: 'unknown query parameter "colour"' },
          { field: 'start_date', rule: 'required', description: 'start_date is required' },
          { field: 'granularity', rule: 'enum', description: 'must be one of hour, day, week, month' },
        ],
      },
    ]);
  });

  it('POST /ml/forecast: {"metric", "horizon_days", "granularity": "daily"} → Forecast on the stored metric', async () => {
    let seen: ForecastRequest | undefined;
    const g = await start({
      insights: (r) =>
        r.service(InsightsService, {
          forecast: (req) => ((seen = req), { model: 'theta', intervalLevel: 0.8 }),
        }),
    });
    const res = await g.fetch('/ml/forecast', {
      method: 'POST',
      body: JSON.stringify({ metric: 'revenue', horizon_days: 30, granularity: 'daily' }),
    });
    expect(await json(res)).toEqual([
      200,
      { history: [], forecast: [], model: 'theta', interval_level: 0.8 },
    ]);
    expect(seen?.source).toEqual({
      case: 'metric',
      value: expect.objectContaining({ metric: 'revenue', filters: [] }),
    });
    expect([seen?.granularity, seen?.horizon]).toEqual([Granularity.DAY, 30]);
  });

  it('GET /ml/anomalies?metric=orders&lookback_hours=24 → DetectAnomalies', async () => {
    let seen: DetectAnomaliesRequest | undefined;
    const g = await start({
      insights: (r) =>
        r.service(InsightsService, { detectAnomalies: (req) => ((seen = req), { method: 'stl_mad' }) }),
    });
    expect(await json(await g.fetch('/ml/anomalies?metric=orders&lookback_hours=24'))).toEqual([
      200,
      { series: [], anomalies: [], method: 'stl_mad' },
    ]);
    expect(seen?.source).toEqual({ case: 'metric', value: expect.objectContaining({ metric: 'orders' }) });
    expect(seen?.lookbackHours).toBe(24);
    expect((await g.fetch('/ml/anomalies?metric=orders&lookback_hours=a-day')).status).toBe(400);
  });

  it('GET /cohort/analysis with the documented query → AnalyzeCohorts with enums by short name', async () => {
    let seen: AnalyzeCohortsRequest | undefined;
    const g = await start({
      insights: (r) =>
        r.service(InsightsService, {
          analyzeCohorts: (req) => (
            (seen = req),
            {
              cohortType: req.cohortType,
              metric: req.metric,
              cohorts: [{ cohortStart: req.startDate, size: 120n, values: [100, 42.5] }],
            }
          ),
        }),
    });
    const res = await g.fetch(
      '/cohort/analysis?start_date=2025-01-01&cohort_type=acquisition_month&metric=retention',
    );
    expect(await json(res)).toEqual([
      200,
      {
        cohort_type: 'acquisition_month',
        metric: 'retention',
        cohorts: [
          { cohort_start: '2025-01-01T00:00:00Z', breakdown_value: '', size: 120, values: [100, 42.5] },
        ],
      },
    ]);
    expect([seen?.cohortType, seen?.metric]).toEqual([CohortType.ACQUISITION_MONTH, CohortMetric.RETENTION]);
  });

  it('GET /funnel/analysis and GET /user/{user_id}/journey pass their parameters', async () => {
    const calls: string[] = [];
    const g = await start({
      insights: (r) =>
        r.service(InsightsService, {
          analyzeFunnel: (req) => (
            calls.push(`funnel ${req.funnelName} ${timestampDate(req.startDate!).toISOString()}`),
            create(AnalyzeFunnelResponseSchema, { funnelName: req.funnelName, overallConversionRate: 3.2 })
          ),
          getUserJourney: (req) => (
            calls.push(`journey ${req.userId} ${req.conversionHorizonDays}`),
            { userId: req.userId, conversionProbability: 0.4 }
          ),
          getConversionModel: (req) => (
            calls.push(`model ${req.horizonDays}`),
            { model: { horizonDays: req.horizonDays, heldOutAuc: 0.82 } }
          ),
        }),
    });
    const funnel = await g.fetch(
      '/funnel/analysis?funnel_name=checkout&start_date=2025-11-01&end_date=2025-12-01',
    );
    expect(await json(funnel)).toEqual([
      200,
      { funnel_name: 'checkout', steps: [], breakdowns: [], overall_conversion_rate: 3.2 },
    ]);
    const journey = await g.fetch('/user/user%20123/journey?conversion_horizon_days=14');
    expect(await json(journey)).toEqual([
      200,
      { user_id: 'user 123', sessions: [], conversion_probability: 0.4, conversion_unavailable_reason: '' },
    ]);
    const model = await g.fetch('/ml/conversion-model?horizon_days=14');
    const [status, body] = await json(model);
    expect(status).toBe(200);
    expect(body).toMatchObject({ model: { horizon_days: 14, held_out_auc: 0.82 } });
    expect(await json(await g.fetch('/ml/conversion-model?horizon_days=soon'))).toMatchObject([400, {}]);
    expect(calls).toEqual(['funnel checkout 2025-11-01T00:00:00.000Z', 'journey user 123 14', 'model 14']);
  });

  it('maps service codes to HTTP: Unimplemented 501, Unavailable 503, ResourceExhausted 429 + Retry-After, FailedPrecondition 400', async () => {
    const g = await start({
      realtime: (r) =>
        r.service(RealtimeService, {
          getOverview() {
            throw new ConnectError('realtime analytics is disabled', Code.FailedPrecondition);
          },
          getActiveUsers() {
            throw new ConnectError('too many queries', Code.ResourceExhausted);
          },
          getConversions() {
            throw new ConnectError('redis down', Code.Unavailable);
          },
        }),
    });
    expect(await json(await g.fetch('/realtime/overview'))).toEqual([
      400,
      { code: 'failed_precondition', message: 'realtime analytics is disabled' },
    ]);
    const limited = await g.fetch('/realtime/active-users');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await g.fetch('/realtime/conversions')).status).toBe(503);
    // Metrics is not implemented at all in this test: Connect's Unimplemented.
    expect(await json(await g.fetch('/dashboard/orders?start_date=2025-11-01&end_date=2025-12-01'))).toEqual([
      501,
      { code: 'unimplemented', message: expect.stringContaining('GetOrders') },
    ]);
    expect(await json(await g.fetch('/nope'))).toEqual([
      404,
      { code: 'not_found', message: 'no route GET /nope' },
    ]);
    const wrongMethod = await g.fetch('/realtime/overview', { method: 'DELETE' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('GET /realtime/stream sends the overview as Server-Sent Events', async () => {
    const g = await start({
      realtime: (r) =>
        r.service(RealtimeService, {
          async *watchOverview() {
            yield { overview };
            yield { overview: { ...overview, ordersToday: 157n } };
          },
        }),
    });
    const res = await g.fetch('/realtime/stream');
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    const events = text
      .trim()
      .split('\n\n')
      .map((e) => e.split('\n'));
    expect(events.map((e) => e[0])).toEqual(['event: overview', 'event: overview']);
    expect(
      events.map((e) => (JSON.parse((e[1] ?? '').slice(6)) as { orders_today: number }).orders_today),
    ).toEqual([156, 157]);
  });

  it('fills context.ip from X-Forwarded-For behind one trusted proxy, and the User-Agent when absent', async () => {
    let seen: TrackRequest | undefined;
    const g = await start({
      ingest: (r) =>
        r.service(IngestService, {
          track: (req) => ((seen = req), { result: { eventId: 'e-1', status: EventStatus.ACCEPTED } }),
        }),
    });
    const res = await g.fetch('/events/track', {
      method: 'POST',
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9', 'user-agent': 'curl/8.5' },
      body: JSON.stringify({ event_type: 'page_view', user_id: 'u' }),
    });
    expect(res.status).toBe(200);
    expect([seen?.event?.context?.ip, seen?.event?.context?.userAgent]).toEqual(['203.0.113.9', 'curl/8.5']);
  });

  it('answers CORS preflights for allowed origins only, and exposes Prometheus HTTP metrics', async () => {
    const g = await start({
      realtime: (r) => r.service(RealtimeService, { getOverview: () => ({ overview }) }),
    });
    const preflight = (origin: string) =>
      g.fetch('/realtime/overview', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    const ok = await preflight('https://shop.example');
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([204, 'https://shop.example']);
    const other = await preflight('https://evil.example');
    expect([other.status, other.headers.get('access-control-allow-origin')]).toEqual([204, null]);
    await g.fetch('/realtime/overview');
    const metrics = await (await g.fetch('/metrics')).text();
    expect(metrics).toContain(
      'gateway_http_requests_total{method="GET",route="/realtime/overview",status="200"} 1',
    );
    expect(metrics).toContain(
      'gateway_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/realtime/overview"',
    );
  });

  it('GET /health is live; readiness lists each service down with 503 when none answers', async () => {
    const g = await start({});
    expect(await json(await g.fetch('/health'))).toEqual([200, { status: 'ok' }]);
    const [status, body] = await json(await g.fetch('/health?ready=1'));
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'not_ready',
      checks: {
        ingest: { status: 'down', latency_ms: expect.any(Number) },
        realtime: { status: 'down' },
        metrics: { status: 'down' },
        insights: { status: 'down' },
      },
    });
  });
});
