import {
  hasWholeHourOffsets,
  measuresFor,
  metricValue,
  previousRange,
  changePercent,
  type AdditiveMeasure,
  type DimensionFilter,
  type DimensionName,
  type DistinctMeasure,
  type Granularity,
  type Measure,
  type Measures,
  type MetricName,
  type MetricQuery,
} from '@broxiva/metrics-domain';
import type { Pool, PoolClient } from 'pg';
import { factsSql, params, type Params } from './facts-sql.js';

export interface MetricRow {
  /** Bucket start; undefined without a granularity. */
  readonly time: Date | undefined;
  readonly dimensions: Readonly<Partial<Record<DimensionName, string>>>;
  readonly values: Readonly<Partial<Record<MetricName, number>>>;
}

export interface MetricResult {
  readonly rows: MetricRow[];
  readonly totals: Partial<Record<MetricName, number>>;
  readonly previousTotals?: Partial<Record<MetricName, number>>;
  /** Absent for a metric whose previous total is 0. */
  readonly changePercent?: Partial<Record<MetricName, number>>;
  /** Where the additive measures came from, for tests and logs. */
  readonly source: 'rollup' | 'raw';
}

interface Slice {
  readonly start: Date;
  readonly end: Date;
  readonly dimensions: readonly DimensionName[];
  readonly filters: readonly DimensionFilter[];
  readonly granularity: Granularity | undefined;
  readonly timeZone: string;
}

interface MeasuredRow {
  time: Date | undefined;
  dims: Partial<Record<DimensionName, string>>;
  m: Partial<Measures>;
}

const EVENT_COUNTS: Partial<Record<AdditiveMeasure, string>> = {
  orders: 'purchase',
  page_views: 'page_view',
  product_views: 'product_view',
  add_to_cart: 'add_to_cart',
  checkout_starts: 'checkout_start',
};

function bucketSql(column: string, g: Granularity | undefined, p: Params, tz: string): string {
  if (g === undefined) return 'NULL::timestamptz';
  // Hours are UTC hours (unambiguous across DST); `g` is one of four literals, never client text.
  if (g === 'hour') return `date_trunc('hour', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
  const zone = p.add(tz);
  return `date_trunc('${g}', ${column} AT TIME ZONE ${zone}) AT TIME ZONE ${zone}`;
}

function filterSql(alias: string, filters: readonly DimensionFilter[], p: Params): string {
  return filters
    .map((f) => `${f.negate ? 'NOT ' : ''}${alias}.${f.dimension} = ANY(${p.add(f.values)}::text[])`)
    .map((c) => ` AND ${c}`)
    .join('');
}

function additiveSql(m: AdditiveMeasure, source: 'rollup' | 'raw'): string {
  const type = EVENT_COUNTS[m];
  if (source === 'rollup') {
    if (type !== undefined) return `coalesce(sum(r.events) FILTER (WHERE r.event_type = '${type}'), 0)`;
    return `coalesce(sum(r.${m}), 0)`;
  }
  if (type !== undefined) return `count(*) FILTER (WHERE r.event_type = '${type}')`;
  const col = m === 'revenue' ? 'revenue' : 'items';
  return `coalesce(sum(r.${col}) FILTER (WHERE r.event_type = 'purchase'), 0)`;
}

function distinctSql(m: DistinctMeasure, newUserCond: string): string {
  switch (m) {
    case 'sessions':
      return 'count(DISTINCT r.session_id)';
    case 'users':
      return 'count(DISTINCT r.user_key)';
    case 'new_users':
      return `count(DISTINCT r.user_key) FILTER (WHERE ${newUserCond})`;
    case 'purchase_sessions':
      return `count(DISTINCT r.session_id) FILTER (WHERE r.event_type = 'purchase')`;
    case 'cart_sessions':
      return `count(DISTINCT r.session_id) FILTER (WHERE r.event_type = 'add_to_cart')`;
    case 'cart_or_purchase_sessions':
      return `count(DISTINCT r.session_id) FILTER (WHERE r.event_type IN ('add_to_cart', 'purchase'))`;
  }
}

const onHour = (d: Date) => d.getTime() % 3_600_000 === 0;

/** Whether hourly rollups can answer the additive part of this slice exactly. */
export function rollupsCanAnswer(s: Slice): boolean {
  if (!onHour(s.start) || !onHour(s.end)) return false;
  if (s.granularity === undefined || s.granularity === 'hour') return true;
  return hasWholeHourOffsets(s.start, s.end, s.timeZone);
}

async function measure(
  client: PoolClient,
  s: Slice,
  additive: readonly AdditiveMeasure[],
  distinct: readonly DistinctMeasure[],
  useRollups: boolean,
): Promise<MeasuredRow[]> {
  const byCategory = s.dimensions.includes('category') || s.filters.some((f) => f.dimension === 'category');
  const dims = s.dimensions.map((d) => `r.${d}`);
  const out: MeasuredRow[][] = [];

  const run = async (sql: string, p: Params, names: readonly Measure[]) => {
    const { rows } = await client.query<Record<string, unknown>>(sql, p.values);
    out.push(
      rows.map((row) => ({
        time: row.bucket instanceof Date ? row.bucket : undefined,
        dims: Object.fromEntries(s.dimensions.map((d) => [d, String(row[d])])),
        m: Object.fromEntries(names.map((n) => [n, Number(row[n])])),
      })),
    );
  };
  const groupBy = ['1', ...dims].join(', ');

  const rawAdditive = useRollups ? [] : additive;
  if (useRollups && additive.length > 0) {
    const p = params();
    const table = byCategory ? 'rollup_hourly_category' : 'rollup_hourly';
    const sql = `SELECT ${bucketSql('r.hour', s.granularity, p, s.timeZone)} AS bucket${dims.map((d) => `, ${d}`).join('')},
        ${additive.map((m) => `${additiveSql(m, 'rollup')} AS ${m}`).join(', ')}
      FROM ${table} r
      WHERE r.hour >= ${p.add(s.start)} AND r.hour < ${p.add(s.end)}${filterSql('r', s.filters, p)}
      GROUP BY ${groupBy}`;
    await run(sql, p, additive);
  }
  const rawMeasures = [...rawAdditive, ...distinct];
  if (rawMeasures.length > 0) {
    const p = params();
    const bucket = bucketSql('r.ts', s.granularity, p, s.timeZone);
    const start = p.add(s.start);
    const end = p.add(s.end);
    const firstSeen = 'coalesce(u.first_seen, r.ts)';
    // Built only when asked for: every placeholder added must appear in the statement.
    const newUserCond = !distinct.includes('new_users')
      ? ''
      : s.granularity === undefined
        ? `${firstSeen} >= ${start}`
        : `${bucketSql(firstSeen, s.granularity, p, s.timeZone)} = ${bucket}`;
    const selects = [
      ...rawAdditive.map((m) => `${additiveSql(m, 'raw')} AS ${m}`),
      ...distinct.map((m) => `${distinctSql(m, newUserCond)} AS ${m}`),
    ];
    const join = distinct.includes('new_users')
      ? 'LEFT JOIN user_first_seen u ON u.user_key = r.user_key'
      : '';
    const sql = `SELECT ${bucket} AS bucket${dims.map((d) => `, ${d}`).join('')}, ${selects.join(', ')}
      FROM (${factsSql(byCategory, `e.ts >= ${start} AND e.ts < ${end}`)}) r ${join}
      WHERE true${filterSql('r', s.filters, p)}
      GROUP BY ${groupBy}`;
    await run(sql, p, rawMeasures);
  }
  return merge(out, s.dimensions);
}

function merge(parts: MeasuredRow[][], dims: readonly DimensionName[]): MeasuredRow[] {
  const byKey = new Map<string, MeasuredRow>();
  for (const part of parts) {
    for (const row of part) {
      const key = [row.time?.toISOString() ?? '', ...dims.map((d) => row.dims[d])].join('\u0001');
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, { ...row, m: { ...row.m } });
      else Object.assign(seen.m, row.m);
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      (a.time?.getTime() ?? 0) - (b.time?.getTime() ?? 0) ||
      dims.reduce((c, d) => c || (a.dims[d] ?? '').localeCompare(b.dims[d] ?? ''), 0),
  );
}

const values = (metrics: readonly MetricName[], m: Partial<Measures>) =>
  Object.fromEntries(metrics.map((k) => [k, metricValue(k, m)])) as Partial<Record<MetricName, number>>;

export interface MetricsReaderDeps {
  readonly pool: Pool;
  /** statement_timeout of every statement, in ms (QUERY_TIMEOUT); 0 = none. */
  readonly timeoutMs: number;
}

/**
 * Answers metric queries. Additive measures (revenue, orders, items, event counts) come from hourly
 * rollups when the range is on whole UTC hours and the zone's days start on UTC hours, else from raw
 * events. Distinct measures (sessions, users, new users and the session counts behind the two rates)
 * are counted exactly from raw events for the asked range and buckets, since counts per hour do not add up.
 * Rows, totals and the previous period's totals are separate statements in one read-only transaction.
 */
export function createMetricsReader(deps: MetricsReaderDeps) {
  async function query(q: MetricQuery): Promise<MetricResult> {
    const client = await deps.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [
        String(Math.round(deps.timeoutMs)),
      ]);
      const { additive, distinct } = measuresFor(q.metrics);
      const useRollups = rollupsCanAnswer(q);
      const rows = await measure(client, q, additive, distinct, useRollups);
      const total = async (start: Date, end: Date) => {
        const slice = { ...q, start, end, dimensions: [], granularity: undefined };
        const [row] = await measure(client, slice, additive, distinct, rollupsCanAnswer(slice));
        return values(q.metrics, row?.m ?? {});
      };
      const totals = await total(q.start, q.end);
      let previous: Partial<Record<MetricName, number>> | undefined;
      if (q.comparePrevious) {
        const prev = previousRange(q.start, q.end);
        previous = await total(prev.start, prev.end);
      }
      await client.query('COMMIT');
      const result: MetricResult = {
        rows: rows.map((r) => ({ time: r.time, dimensions: r.dims, values: values(q.metrics, r.m) })),
        totals,
        source: useRollups ? 'rollup' : 'raw',
      };
      if (previous === undefined) return result;
      const change: Partial<Record<MetricName, number>> = {};
      for (const k of q.metrics) {
        const c = changePercent(totals[k] ?? 0, previous[k] ?? 0);
        if (c !== undefined) change[k] = c;
      }
      return { ...result, previousTotals: previous, changePercent: change };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  return { query };
}

export type MetricsReader = ReturnType<typeof createMetricsReader>;
