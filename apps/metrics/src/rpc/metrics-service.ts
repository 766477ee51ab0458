import { create } from '@bufbuild/protobuf';

import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import {
  Granularity as GranularityMsg,
  QueryMetricsRequestSchema,
  WidgetResultSchema,
  type MetricsService,
  type QueryMetricsRequest,
  type SummaryRequestFields,
} from '@broxiva/contracts';
import {
  withQueryCache,
  type DashboardStore,
  type MetricsSource,
  type QueryCache,
  type QueryOptions,
} from '@broxiva/metrics-data-access';
import { validateQuery, type MetricQuery } from '@broxiva/metrics-domain';
import { NotFoundError, ValidationError } from '@broxiva/rpc';
import type { QueryGate } from '../query-gate.js';
import type { QueryMetrics, QueryOutcome } from '../query-metrics.js';
import { summarize, type SummaryRange } from '../summaries.js';
import { storedWidgets, toDashboardFields, toDashboardMessage } from './dashboard-mapping.js';
import { breakdown, point, toQueryInput, toQueryResponse } from './query-mapping.js';

export interface MetricsServiceDeps {
  /** Answers from PostgreSQL; each of its queries runs through `gate`. */
  readonly reader: MetricsSource;
  readonly dashboards: DashboardStore;
  readonly gate: QueryGate;
  /** Repeated queries answered from Redis without taking a gate slot; none: every query computed. */
  readonly cache?: QueryCache;
  readonly metrics?: QueryMetrics;
  /** SHOP_CURRENCY: the currency revenue totals are in. */
  readonly currency: string;
}

const MAX_PAGE = 100;

function validated(req: QueryMetricsRequest, prefix = ''): MetricQuery {
  const q = validateQuery(toQueryInput(req), prefix);
  if (!q.ok) throw new ValidationError(q.violations);
  return q.value;
}

function summaryRange(r: SummaryRequestFields | undefined): SummaryRange {
  const q = validated(
    create(QueryMetricsRequestSchema, {
      startDate: r?.startDate,
      endDate: r?.endDate,
      metrics: ['revenue'],
      granularity:
        r?.granularity === undefined || r.granularity === GranularityMsg.UNSPECIFIED
          ? GranularityMsg.DAY
          : r.granularity,
      timezone: r?.timezone ?? '',
    }),
    'range.',
  );
  return { start: q.start, end: q.end, granularity: q.granularity ?? 'day', timeZone: q.timeZone };
}

/**
 * `cache-control: no-cache` (HTTP header or gRPC metadata) asks for a freshly computed answer, as in HTTP:
 * the cache is skipped for this call and the answer not stored.
 */
const optionsOf = (ctx: HandlerContext): QueryOptions => ({
  bypassCache: /(^|,)\s*no-cache\s*(,|$)/i.test(ctx.requestHeader.get('cache-control') ?? ''),
});

const outcomeOf = (e: unknown): QueryOutcome => {
  const name = (e as { name?: string }).name;
  if (name === 'ValidationError') return 'invalid';
  if (name === 'OverloadError') return 'overloaded';
  if ((e as { code?: unknown }).code === '57014') return 'timeout';
  return 'error';
};

/**
 * MetricsService: translates proto ⇄ domain. Queries are looked up in the cache first; those computed run
 * through the concurrency gate (one slot per database query); every RPC is measured.
 */
export function metricsService(deps: MetricsServiceDeps): ServiceImpl<typeof MetricsService> {
  const gated: MetricsSource = { query: (q) => deps.gate.run(() => deps.reader.query(q)) };
  const source = deps.cache === undefined ? gated : withQueryCache(gated, deps.cache);

  async function measured<T>(rpc: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      deps.metrics?.observe(rpc, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (e) {
      const outcome = outcomeOf(e);
      deps.metrics?.observe(rpc, outcome, (performance.now() - started) / 1000);
      // 57014 query_canceled: PostgreSQL's statement_timeout (QUERY_TIMEOUT) fired.
      if (outcome === 'timeout') {
        throw new ConnectError(
          'query exceeded QUERY_TIMEOUT; narrow the range or the dimensions',
          Code.DeadlineExceeded,
        );
      }
      throw e;
    }
  }

  async function found(id: string) {
    const d = await deps.dashboards.get(id);
    if (d === undefined) throw new NotFoundError(`dashboard ${id} not found`);
    return d;
  }

  return {
    async queryMetrics(req, ctx) {
      const q = validated(req);
      return measured('QueryMetrics', async () => toQueryResponse(await source.query(q, optionsOf(ctx))));
    },

    async getRevenue(req, ctx) {
      const range = summaryRange(req.range);
      const s = await measured('GetRevenue', () =>
        summarize(source, range, ['revenue'], 'revenue', 'revenue', ['category', 'region'], optionsOf(ctx)),
      );
      return {
        total: s.totals.revenue ?? 0,
        currency: deps.currency,
        series: s.series.map((p) => point(p.time, p.value)),
        topCategories: (s.top.category ?? []).map((b) => breakdown(b.key, b.value)),
        topRegions: (s.top.region ?? []).map((b) => breakdown(b.key, b.value)),
        previousTotal: s.previousTotals.revenue ?? 0,
        changePercent: s.changePercent.revenue ?? 0,
      };
    },

    async getOrders(req, ctx) {
      const range = summaryRange(req.range);
      const s = await measured('GetOrders', () =>
        summarize(
          source,
          range,
          ['orders', 'average_order_value', 'items_sold'],
          'orders',
          'orders',
          ['category', 'region'],
          optionsOf(ctx),
        ),
      );
      return {
        total: BigInt(s.totals.orders ?? 0),
        averageOrderValue: s.totals.average_order_value ?? 0,
        itemsSold: s.totals.items_sold ?? 0,
        series: s.series.map((p) => point(p.time, p.value)),
        topCategories: (s.top.category ?? []).map((b) => breakdown(b.key, b.value)),
        topRegions: (s.top.region ?? []).map((b) => breakdown(b.key, b.value)),
        previousTotal: BigInt(s.previousTotals.orders ?? 0),
        changePercent: s.changePercent.orders ?? 0,
      };
    },

    async getUsers(req, ctx) {
      const range = summaryRange(req.range);
      const s = await measured('GetUsers', () =>
        summarize(source, range, ['users', 'new_users'], 'users', 'users', ['device'], optionsOf(ctx)),
      );
      const users = s.totals.users ?? 0;
      const fresh = s.totals.new_users ?? 0;
      return {
        total: BigInt(users),
        newUsers: BigInt(fresh),
        returningUsers: BigInt(users - fresh),
        series: s.series.map((p) => point(p.time, p.value)),
        byDevice: (s.top.device ?? []).map((b) => breakdown(b.key, b.value)),
        previousTotal: BigInt(s.previousTotals.users ?? 0),
        changePercent: s.changePercent.users ?? 0,
      };
    },

    async createDashboard(req) {
      const stored = await deps.dashboards.create(toDashboardFields(req.dashboard));
      return { dashboard: toDashboardMessage(stored) };
    },

    async getDashboard(req) {
      return { dashboard: toDashboardMessage(await found(req.id)) };
    },

    async listDashboards(req) {
      const size = req.pageSize <= 0 ? 20 : Math.min(req.pageSize, MAX_PAGE);
      const offset = req.pageToken === '' ? 0 : Number(Buffer.from(req.pageToken, 'base64url').toString());
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new ValidationError([
          { field: 'page_token', rule: 'page_token', description: 'is not a token this service issued' },
        ]);
      }
      const page = await deps.dashboards.list(size, offset);
      return {
        dashboards: page.items.map(toDashboardMessage),
        nextPageToken: page.more ? Buffer.from(String(offset + size)).toString('base64url') : '',
      };
    },

    async updateDashboard(req) {
      const fields = toDashboardFields(req.dashboard);
      const id = req.dashboard?.id ?? '';
      const stored = await deps.dashboards.update(id, fields);
      if (stored === undefined) throw new NotFoundError(`dashboard ${id} not found`);
      return { dashboard: toDashboardMessage(stored) };
    },

    async deleteDashboard(req) {
      if (!(await deps.dashboards.delete(req.id))) throw new NotFoundError(`dashboard ${req.id} not found`);
      return {};
    },

    async evaluateDashboard(req, ctx) {
      const stored = await found(req.id);
      const widgets = storedWidgets(stored);
      const queries = widgets.map((w, i) => {
        const query = create(QueryMetricsRequestSchema, w.query ?? {});
        if (req.range?.start !== undefined && req.range.end !== undefined) {
          query.startDate = req.range.start;
          query.endDate = req.range.end;
        }
        return { id: w.id, query: validated(query, `widgets[${i}].query.`) };
      });
      const results = await measured('EvaluateDashboard', async () => {
        const out = [];
        for (const w of queries) {
          out.push(
            create(WidgetResultSchema, {
              widgetId: w.id,
              result: toQueryResponse(await source.query(w.query, optionsOf(ctx))),
            }),
          );
        }
        return out;
      });
      return { dashboard: toDashboardMessage(stored), results };
    },
  };
}
