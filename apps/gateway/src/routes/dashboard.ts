import { create } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';
import {
  DashboardSchema,
  EvaluateDashboardResponseSchema,
  GetOrdersResponseSchema,
  GetRevenueResponseSchema,
  GetUsersResponseSchema,
  ListDashboardsRequestSchema,
  ListDashboardsResponseSchema,
  QueryMetricsRequestSchema,
  QueryMetricsResponseSchema,
  SummaryRequestFieldsSchema,
  TimeRangeSchema,
  type MetricsService,
} from '@broxiva/contracts';
import { initOf, paramsOf, parseQuery, type Route, type RouteContext } from '../http/route.js';
import { fromRest, toRest } from '../rest-json.js';
import { readRoute } from '../http/read-route.js';

export interface DashboardRoutesDeps {
  readonly metrics: Client<typeof MetricsService>;
  readonly timeoutMs: number;
}

const rangeParams = paramsOf(
  SummaryRequestFieldsSchema,
  ['start_date', 'end_date', 'granularity', 'timezone'],
  ['start_date', 'end_date'],
);
const listParams = paramsOf(ListDashboardsRequestSchema, ['page_size', 'page_token']);
const evaluateParams = paramsOf(TimeRangeSchema, ['start', 'end']);

/**
 * The documented `filters: {"category": "electronics"}` (a value or a list per dimension) as the
 * contract's `[{dimension, values}]`; the contract's own list form is accepted too.
 */
export function metricsQueryFromRest(json: unknown) {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const { filters, ...rest } = json as Record<string, unknown>;
    if (typeof filters === 'object' && filters !== null && !Array.isArray(filters)) {
      const list = Object.entries(filters).map(([dimension, v]) => ({
        dimension,
        values: Array.isArray(v) ? v : [v],
      }));
      return fromRest(QueryMetricsRequestSchema, { ...rest, filters: list });
    }
  }
  return fromRest(QueryMetricsRequestSchema, json);
}

/** POST /dashboard/metrics, GET /dashboard/{revenue,orders,users}, and saved dashboards: MetricsService. */
export function dashboardRoutes(deps: DashboardRoutesDeps): Route[] {
  const opts = (ctx: RouteContext) => ({ signal: ctx.signal, timeoutMs: deps.timeoutMs });
  const id = (ctx: RouteContext) => ctx.params['dashboard_id'] ?? '';
  return [
    {
      method: 'POST',
      path: '/dashboard/metrics',
      access: 'read',
      tag: 'dashboard',
      summary:
        'Metrics over a date range by any dimensions. `filters` may be an object of dimension → value(s), ' +
        'e.g. {"category": "electronics"}.',
      request: { message: QueryMetricsRequestSchema },
      response: { message: QueryMetricsResponseSchema },
      async handle(ctx) {
        const res = await deps.metrics.queryMetrics(metricsQueryFromRest(await ctx.body()), opts(ctx));
        return { status: 200, body: toRest(QueryMetricsResponseSchema, res) };
      },
    },
    readRoute({
      path: '/dashboard/revenue',
      tag: 'dashboard',
      summary: 'Revenue total, series, top categories and regions, against the previous period.',
      query: rangeParams,
      response: GetRevenueResponseSchema,
      call: (range, ctx) => deps.metrics.getRevenue({ range }, opts(ctx)),
    }),
    readRoute({
      path: '/dashboard/orders',
      tag: 'dashboard',
      summary: 'Orders, average order value and items sold, against the previous period.',
      query: rangeParams,
      response: GetOrdersResponseSchema,
      call: (range, ctx) => deps.metrics.getOrders({ range }, opts(ctx)),
    }),
    readRoute({
      path: '/dashboard/users',
      tag: 'dashboard',
      summary: 'Users, new and returning, by device, against the previous period.',
      query: rangeParams,
      response: GetUsersResponseSchema,
      call: (range, ctx) => deps.metrics.getUsers({ range }, opts(ctx)),
    }),
    readRoute({
      path: '/dashboards',
      tag: 'dashboards',
      summary: 'Saved dashboards, paged.',
      query: listParams,
      response: ListDashboardsResponseSchema,
      call: (req, ctx) => deps.metrics.listDashboards(req, opts(ctx)),
    }),
    {
      method: 'POST',
      path: '/dashboards',
      access: 'admin',
      tag: 'dashboards',
      summary: 'Save a dashboard; answers 201 with its id and times.',
      request: { message: DashboardSchema },
      response: { message: DashboardSchema },
      responses: { '201': 'Created.' },
      async handle(ctx) {
        const { dashboard } = await deps.metrics.createDashboard(
          { dashboard: fromRest(DashboardSchema, await ctx.body()) },
          opts(ctx),
        );
        return { status: 201, body: toRest(DashboardSchema, dashboard ?? create(DashboardSchema)) };
      },
    },
    {
      method: 'GET',
      path: '/dashboards/{dashboard_id}',
      access: 'read',
      tag: 'dashboards',
      summary: 'A saved dashboard.',
      response: { message: DashboardSchema },
      async handle(ctx) {
        const { dashboard } = await deps.metrics.getDashboard({ id: id(ctx) }, opts(ctx));
        return { status: 200, body: toRest(DashboardSchema, dashboard ?? create(DashboardSchema)) };
      },
    },
    {
      method: 'PUT',
      path: '/dashboards/{dashboard_id}',
      access: 'admin',
      tag: 'dashboards',
      summary: "Replace a saved dashboard's name, description and widgets.",
      request: { message: DashboardSchema },
      response: { message: DashboardSchema },
      async handle(ctx) {
        const dashboard = { ...fromRest(DashboardSchema, await ctx.body()), id: id(ctx) };
        const res = await deps.metrics.updateDashboard({ dashboard }, opts(ctx));
        return { status: 200, body: toRest(DashboardSchema, res.dashboard ?? create(DashboardSchema)) };
      },
    },
    {
      method: 'DELETE',
      path: '/dashboards/{dashboard_id}',
      access: 'admin',
      tag: 'dashboards',
      summary: 'Delete a saved dashboard; 204.',
      responses: { '204': 'Deleted.' },
      async handle(ctx) {
        await deps.metrics.deleteDashboard({ id: id(ctx) }, opts(ctx));
        return { status: 204, body: null };
      },
    },
    {
      method: 'GET',
      path: '/dashboards/{dashboard_id}/results',
      access: 'read',
      tag: 'dashboards',
      summary: "Every widget's query of a saved dashboard, optionally over another range (start, end).",
      query: evaluateParams,
      response: { message: EvaluateDashboardResponseSchema },
      async handle(ctx) {
        const r = initOf(evaluateParams, parseQuery(evaluateParams, ctx.query));
        const req = { id: id(ctx), ...(Object.keys(r).length > 0 ? { range: r } : {}) };
        return {
          status: 200,
          body: toRest(EvaluateDashboardResponseSchema, await deps.metrics.evaluateDashboard(req, opts(ctx))),
        };
      },
    },
  ];
}
