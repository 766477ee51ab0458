import type { Client } from '@connectrpc/connect';
import {
  AnalyzeCohortsRequestSchema,
  AnalyzeCohortsResponseSchema,
  AnalyzeFunnelRequestSchema,
  AnalyzeFunnelResponseSchema,
  DetectAnomaliesRequestSchema,
  DetectAnomaliesResponseSchema,
  ForecastRequestSchema,
  ForecastResponseSchema,
  Granularity,
  GetConversionModelRequestSchema,
  GetConversionModelResponseSchema,
  GetJourneyPathsRequestSchema,
  GetJourneyPathsResponseSchema,
  GetTrendsRequestSchema,
  GetTrendsResponseSchema,
  GetUserJourneyRequestSchema,
  GetUserJourneyResponseSchema,
  StoredMetricSchema,
  type InsightsService,
} from '@broxiva/contracts';
import {
  initOf,
  paramsOf,
  parseObject,
  parseQuery,
  type QueryParam,
  type Route,
  type RouteContext,
} from '../http/route.js';
import { metricsQueryFromRest } from './dashboard.js';
import { toRest } from '../rest-json.js';
import { readRoute } from '../http/read-route.js';

export interface InsightsRoutesDeps {
  readonly insights: Client<typeof InsightsService>;
  readonly timeoutMs: number;
}

const field = (
  schema: typeof ForecastRequestSchema | typeof StoredMetricSchema | typeof DetectAnomaliesRequestSchema,
  name: string,
) => paramsOf(schema, [name])[0] as QueryParam;

// POST /ml/forecast {"metric": "revenue", "horizon_days": 30, "granularity": "daily"}: the product's shape,
// each name typed by the contract field it becomes.
const forecastParams: QueryParam[] = [
  { ...field(StoredMetricSchema, 'metric'), required: true },
  { name: 'horizon_days', field: field(ForecastRequestSchema, 'horizon').field },
  field(ForecastRequestSchema, 'granularity'),
  field(ForecastRequestSchema, 'interval_level'),
];
const anomalyParams: QueryParam[] = [
  { ...field(StoredMetricSchema, 'metric'), required: true },
  ...paramsOf(DetectAnomaliesRequestSchema, ['lookback_hours', 'sensitivity', 'granularity', 'mode']),
];
const trendParams = paramsOf(
  GetTrendsRequestSchema,
  ['metric', 'start_date', 'end_date', 'granularity'],
  ['metric'],
);
const cohortParams = paramsOf(
  AnalyzeCohortsRequestSchema,
  ['start_date', 'end_date', 'cohort_type', 'metric', 'breakdown', 'periods'],
  ['start_date'],
);
const funnelParams = paramsOf(AnalyzeFunnelRequestSchema, [
  'funnel_name',
  'start_date',
  'end_date',
  'mode',
  'conversion_window_seconds',
  'exclusions',
  'breakdown',
]);
const journeyParams = paramsOf(GetUserJourneyRequestSchema, [
  'start_date',
  'end_date',
  'conversion_horizon_days',
]);
const conversionModelParams = paramsOf(GetConversionModelRequestSchema, ['horizon_days']);
const pathParams = paramsOf(GetJourneyPathsRequestSchema, [
  'start_event',
  'end_event',
  'start_date',
  'end_date',
  'max_steps',
  'exclusions',
]);

/** Days ahead as steps of the granularity (a partial step counts as one). */
export function horizonSteps(days: number, granularity: Granularity): number {
  switch (granularity) {
    case Granularity.HOUR:
      return days * 24;
    case Granularity.WEEK:
      return Math.ceil(days / 7);
    case Granularity.MONTH:
      return Math.ceil(days / 30);
    default:
      return days;
  }
}

/** /ml/*, /cohort/analysis, /funnel/analysis, /user/{user_id}/journey, /journey/paths: InsightsService. */
export function insightsRoutes(deps: InsightsRoutesDeps): Route[] {
  const opts = (ctx: RouteContext) => ({ signal: ctx.signal, timeoutMs: deps.timeoutMs });
  return [
    {
      method: 'POST',
      path: '/ml/forecast',
      access: 'read',
      tag: 'ml',
      summary:
        'Forecast a stored metric `horizon_days` ahead at a granularity (hourly, daily, weekly, monthly); ' +
        'optional `filters` as in /dashboard/metrics.',
      request: { params: forecastParams },
      response: { message: ForecastResponseSchema },
      async handle(ctx) {
        const body = await ctx.body();
        // The filters object sugar of /dashboard/metrics, reused so both routes read filters alike.
        const filters =
          typeof body === 'object' && body !== null && 'filters' in body
            ? metricsQueryFromRest({ filters: (body as { filters: unknown }).filters }).filters
            : [];
        const { filters: _ignored, ...rest } = (body ?? {}) as Record<string, unknown>;
        const v = parseObject(forecastParams, Array.isArray(body) || body === null ? body : rest);
        const granularity = (v['granularity'] as Granularity | undefined) ?? Granularity.DAY;
        const days = v['horizon_days'] as number | undefined;
        const res = await deps.insights.forecast(
          {
            source: { case: 'metric', value: { metric: v['metric'] as string, filters } },
            granularity,
            horizon: days === undefined ? 0 : horizonSteps(days, granularity),
            intervalLevel: (v['interval_level'] as number | undefined) ?? 0,
          },
          opts(ctx),
        );
        return { status: 200, body: toRest(ForecastResponseSchema, res) };
      },
    },
    {
      method: 'GET',
      path: '/ml/anomalies',
      access: 'read',
      tag: 'ml',
      summary:
        'Anomalies of a stored metric over the last `lookback_hours`, with expected ranges and causes.',
      query: anomalyParams,
      response: { message: DetectAnomaliesResponseSchema },
      async handle(ctx) {
        const q = parseQuery(anomalyParams, ctx.query);
        const { metric, ...rest } = q;
        const req = {
          ...initOf(anomalyParams.slice(1), rest),
          source: { case: 'metric' as const, value: { metric: metric as string } },
        };
        return {
          status: 200,
          body: toRest(DetectAnomaliesResponseSchema, await deps.insights.detectAnomalies(req, opts(ctx))),
        };
      },
    },
    readRoute({
      path: '/ml/trends',
      tag: 'ml',
      summary: 'Trend, direction, changepoints and seasonality of a metric.',
      query: trendParams,
      response: GetTrendsResponseSchema,
      call: (req, ctx) => deps.insights.getTrends(req, opts(ctx)),
    }),
    readRoute({
      path: '/cohort/analysis',
      tag: 'advanced',
      summary:
        'Cohorts by acquisition or first purchase, with retention, revenue per user, orders or repeat rate.',
      query: cohortParams,
      response: AnalyzeCohortsResponseSchema,
      call: (req, ctx) => deps.insights.analyzeCohorts(req, opts(ctx)),
    }),
    readRoute({
      path: '/funnel/analysis',
      tag: 'advanced',
      summary:
        'Conversion through a named funnel ("checkout" is built in): counts, rates and times per step.',
      query: funnelParams,
      response: AnalyzeFunnelResponseSchema,
      call: (req, ctx) => deps.insights.analyzeFunnel(req, opts(ctx)),
    }),
    readRoute({
      path: '/user/{user_id}/journey',
      tag: 'advanced',
      summary: "A user's sessions and touchpoints, engagement score and conversion probability.",
      query: journeyParams,
      response: GetUserJourneyResponseSchema,
      call: (req, ctx) =>
        deps.insights.getUserJourney({ ...req, userId: ctx.params['user_id'] ?? '' }, opts(ctx)),
    }),
    readRoute({
      path: '/ml/conversion-model',
      tag: 'ml',
      summary:
        'The purchase-within-N-days model behind journeys: coefficients, held-out AUC, Brier score and calibration.',
      query: conversionModelParams,
      response: GetConversionModelResponseSchema,
      call: (req, ctx) => deps.insights.getConversionModel(req, opts(ctx)),
    }),
    readRoute({
      path: '/journey/paths',
      tag: 'advanced',
      summary: 'Most frequent paths from a start event or to an end event, as Sankey nodes and links.',
      query: pathParams,
      response: GetJourneyPathsResponseSchema,
      call: (req, ctx) => deps.insights.getJourneyPaths(req, opts(ctx)),
    }),
  ];
}
