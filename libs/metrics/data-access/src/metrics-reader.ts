import {
  hasWholeHourOffsets,
  isLocalMidnight,
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
import { inTransaction } from '@broxiva/db';
import type { Pool, PoolClient } from 'pg';
import { factsSql, params, type Params } from './facts-sql.js';
import { EVENT_COUNTS, onHour, SESSIONS_OF } from './measures-sql.js';
import { countOf, unionOf } from './sketch-sql.js';
import { SLICE_SKETCHES, SLICE_SUMS, sliceFor, sliceShapedRows } from './slices.js';

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
  /** Where the rows came from, for tests and logs (totals may come from another table). */
  readonly source: MetricsSourceTable;
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

/** Where a slice is answered from. */
export type MetricsSourceTable = 'slices' | 'daily' | 'hourly' | 'raw';

function additiveSql(m: AdditiveMeasure, source: MetricsSourceTable): string {
  if (source === 'slices') return `coalesce(sum(r.${m}), 0)`;
  const type = EVENT_COUNTS[m];
  if (source !== 'raw') {
    if (type !== undefined) return `coalesce(sum(r.events) FILTER (WHERE r.event_type = '${type}'), 0)`;
    return `coalesce(sum(r.${m}), 0)`;
  }
  if (type !== undefined) return `count(*) FILTER (WHERE r.event_type = '${type}')`;
  const col = m === 'revenue' ? 'revenue' : 'items';
  return `coalesce(sum(r.${col}) FILTER (WHERE r.event_type = 'purchase'), 0)`;
}

/** Exact distinct counts over raw facts; `newUserCond` holds a user's facts in their first-seen hour. */
function rawDistinctSql(m: DistinctMeasure, newUserCond: string): string {
  if (m === 'users') return 'count(DISTINCT r.user_key)';
  if (m === 'new_users') return `count(DISTINCT r.user_key) FILTER (WHERE ${newUserCond})`;
  return `count(DISTINCT r.session_id) FILTER (WHERE ${SESSIONS_OF[m]})`;
}

/** Distinct counts estimated from the rollup rows' sketches (exact up to 320 values). */
function sketchDistinctSql(m: DistinctMeasure): string {
  if (m === 'users') return countOf(unionOf('r.users_hll'));
  if (m === 'new_users') return countOf(unionOf('r.new_users_hll'));
  const filter = SESSIONS_OF[m];
  return countOf(unionOf('r.sessions_hll', filter === 'true' ? undefined : filter));
}

/** Distinct counts from slice rows, which keep one sketch column per measure. */
const sliceDistinctSql = (m: DistinctMeasure) => countOf(unionOf(`r.${m}_hll`));

/**
 * The slice rows of `s`'s dimensions, named after them (`category`, `region`), for the days in
 * [`firstDay`, `endDay`) (SQL date expressions): its sliced days from `rollup_daily_slices`, the others
 * (recomputed since, or the open day) regrouped from the daily rollups in the same shape.
 */
function slicedRows(s: Slice, firstDay: string, endDay: string): string {
  const key = sliceFor(new Set([...s.dimensions, ...s.filters.map((f) => f.dimension)]));
  if (key === undefined) throw new Error('slicedRows: no slice holds these dimensions');
  const cols = [...Object.keys(SLICE_SUMS), ...Object.keys(SLICE_SKETCHES)].join(', ');
  const named = [key.d1, key.d2].flatMap((d, i) => (d === '' ? [] : [`v${i + 1} AS ${d}`]));
  // Evaluated once, so the daily rollups are read by index for these few days only (usually none).
  const unsliced = `r.day = ANY(ARRAY(
      SELECT g::date FROM generate_series(${firstDay}, ${endDay} - 1, interval '1 day') g
       WHERE NOT EXISTS (SELECT 1 FROM rollup_sliced_days x WHERE x.day = g::date)))`;
  // The key's names are catalogue literals, never client text.
  return `SELECT day, ${[...named, cols].join(', ')} FROM (
      SELECT r.day, r.v1, r.v2, ${cols} FROM rollup_daily_slices r
       WHERE r.d1 = '${key.d1}' AND r.d2 = '${key.d2}' AND r.day >= ${firstDay} AND r.day < ${endDay}
         AND r.day IN (SELECT day FROM rollup_sliced_days)
      UNION ALL
      ${sliceShapedRows(key, unsliced)}
    ) u`;
}

/** Whether hourly rollups can answer this slice (its bounds and buckets are made of whole UTC hours). */
export function rollupsCanAnswer(s: Slice): boolean {
  if (!onHour(s.start) || !onHour(s.end)) return false;
  if (s.granularity === undefined || s.granularity === 'hour') return true;
  return hasWholeHourOffsets(s.start, s.end, s.timeZone);
}

/**
 * The table that answers a slice: daily slices when its buckets are whole days of the zone the daily
 * rollups are kept in (`dailyZone`) and it names at most two of the sliced dimensions; else the daily
 * rollups for such days; else hourly rollups when its buckets are whole UTC hours; else raw events.
 */
export function sourceFor(s: Slice, dailyZone: string | undefined): MetricsSourceTable {
  if (!rollupsCanAnswer(s)) return 'raw';
  const daysOfZone =
    s.granularity !== 'hour' &&
    s.timeZone === dailyZone &&
    isLocalMidnight(s.start, s.timeZone) &&
    isLocalMidnight(s.end, s.timeZone);
  if (!daysOfZone) return 'hourly';
  const used = new Set([...s.dimensions, ...s.filters.map((f) => f.dimension)]);
  return sliceFor(used) === undefined ? 'daily' : 'slices';
}

async function measure(
  client: PoolClient,
  s: Slice,
  additive: readonly AdditiveMeasure[],
  distinct: readonly DistinctMeasure[],
  source: MetricsSourceTable,
): Promise<MeasuredRow[]> {
  const byCategory = s.dimensions.includes('category') || s.filters.some((f) => f.dimension === 'category');
  const dims = s.dimensions.map((d) => `r.${d}`);
  const p = params();
  const run = async (sql: string, names: readonly Measure[]): Promise<MeasuredRow[]> => {
    const { rows } = await client.query<Record<string, unknown>>(sql, p.values);
    return rows.map((row) => ({
      time: row.bucket instanceof Date ? row.bucket : undefined,
      dims: Object.fromEntries(s.dimensions.map((d) => [d, String(row[d])])),
      m: Object.fromEntries(names.map((n) => [n, Number(row[n])])),
    }));
  };
  const groupBy = ['1', ...dims].join(', ');
  const names = [...additive, ...distinct];
  const selects = (distinctSql: (m: DistinctMeasure) => string) =>
    [
      ...additive.map((m) => `${additiveSql(m, source)} AS ${m}`),
      ...distinct.map((m) => `${distinctSql(m)} AS ${m}`),
    ].join(', ');
  const suffix = byCategory ? '_category' : '';

  if (source === 'daily' || source === 'slices') {
    // Days are dates of the zone: a local midnight is `day::timestamp AT TIME ZONE zone`.
    const zone = p.add(s.timeZone);
    const day = `(r.day::timestamp AT TIME ZONE ${zone})`;
    const bucket =
      s.granularity === undefined
        ? 'NULL::timestamptz'
        : s.granularity === 'day'
          ? day
          : `date_trunc('${s.granularity}', r.day::timestamp) AT TIME ZONE ${zone}`;
    const firstDay = `(${p.add(s.start)}::timestamptz AT TIME ZONE ${zone})::date`;
    const endDay = `(${p.add(s.end)}::timestamptz AT TIME ZONE ${zone})::date`;
    const days = `r.day >= ${firstDay} AND r.day < ${endDay}`;
    const from = source === 'daily' ? `rollup_daily${suffix} r` : `(${slicedRows(s, firstDay, endDay)}) r`;
    const distinctSql = source === 'daily' ? sketchDistinctSql : sliceDistinctSql;
    const sql = `SELECT ${bucket} AS bucket${dims.map((d) => `, ${d}`).join('')}, ${selects(distinctSql)}
      FROM ${from}
      WHERE ${days}${filterSql('r', s.filters, p)}
      GROUP BY ${groupBy}`;
    return run(sql, names);
  }
  if (source === 'hourly') {
    const sql = `SELECT ${bucketSql('r.hour', s.granularity, p, s.timeZone)} AS bucket${dims.map((d) => `, ${d}`).join('')},
        ${selects(sketchDistinctSql)}
      FROM rollup_hourly${suffix} r
      WHERE r.hour >= ${p.add(s.start)} AND r.hour < ${p.add(s.end)}${filterSql('r', s.filters, p)}
      GROUP BY ${groupBy}`;
    return run(sql, names);
  }
  const bucket = bucketSql('r.ts', s.granularity, p, s.timeZone);
  const start = p.add(s.start);
  const end = p.add(s.end);
  // New users as the sketches count them: users first seen in the bucket, through their facts of the hour
  // they were first seen in (so a slice counts a user as new where their first hour's events fall).
  const firstSeen = 'coalesce(u.first_seen, r.ts)';
  const firstHour = `date_trunc('hour', ${firstSeen} AT TIME ZONE 'UTC') = date_trunc('hour', r.ts AT TIME ZONE 'UTC')`;
  // Built only when asked for: every placeholder added must appear in the statement.
  const newUserCond = !distinct.includes('new_users')
    ? ''
    : s.granularity === undefined
      ? `${firstHour} AND ${firstSeen} >= ${start}`
      : `${firstHour} AND ${bucketSql(firstSeen, s.granularity, p, s.timeZone)} = ${bucket}`;
  const join = distinct.includes('new_users') ? 'LEFT JOIN user_first_seen u ON u.user_key = r.user_key' : '';
  const sql = `SELECT ${bucket} AS bucket${dims.map((d) => `, ${d}`).join('')},
      ${selects((m) => rawDistinctSql(m, newUserCond))}
    FROM (${factsSql(byCategory, `e.ts >= ${start} AND e.ts < ${end}`)}) r ${join}
    WHERE true${filterSql('r', s.filters, p)}
    GROUP BY ${groupBy}`;
  return run(sql, names);
}

function sorted(rows: MeasuredRow[], dims: readonly DimensionName[]): MeasuredRow[] {
  return rows.sort(
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
 * Answers metric queries from one table per slice (`sourceFor`): daily rollups when the range and buckets
 * are whole days of the zone they are kept in, hourly rollups when they are whole UTC hours, else raw
 * events. From rollups, sums add up exactly and distinct counts (sessions, users, new users and the session
 * counts behind the two rates) are unions of HyperLogLog sketches: exact up to 320 values, ±1.6 %
 * (one standard error) beyond; from raw events every count is exact. Rows, totals and the previous
 * period's totals are separate statements in one read-only transaction.
 */
export function createMetricsReader(deps: MetricsReaderDeps) {
  async function query(q: MetricQuery): Promise<MetricResult> {
    const { additive, distinct } = measuresFor(q.metrics);
    const { rows, totals, previous, source } = await inTransaction(
      deps.pool,
      async (client) => {
        await client.query(`SELECT set_config('statement_timeout', $1, true)`, [
          String(Math.round(deps.timeoutMs)),
        ]);
        const zone = await client.query<{ daily_zone: string }>(`SELECT daily_zone FROM rollup_settings`);
        const dailyZone = zone.rows[0]?.daily_zone;
        const source = sourceFor(q, dailyZone);
        const rows = sorted(await measure(client, q, additive, distinct, source), q.dimensions);
        const total = async (start: Date, end: Date) => {
          const slice = { ...q, start, end, dimensions: [], granularity: undefined };
          const [row] = await measure(client, slice, additive, distinct, sourceFor(slice, dailyZone));
          return values(q.metrics, row?.m ?? {});
        };
        const totals = await total(q.start, q.end);
        const prev = q.comparePrevious ? previousRange(q.start, q.end) : undefined;
        const previous = prev === undefined ? undefined : await total(prev.start, prev.end);
        return { rows, totals, previous, source };
      },
      { readOnly: true },
    );
    const result: MetricResult = {
      rows: rows.map((r) => ({ time: r.time, dimensions: r.dims, values: values(q.metrics, r.m) })),
      totals,
      source,
    };
    if (previous === undefined) return result;
    const change: Partial<Record<MetricName, number>> = {};
    for (const k of q.metrics) {
      const c = changePercent(totals[k] ?? 0, previous[k] ?? 0);
      if (c !== undefined) change[k] = c;
    }
    return { ...result, previousTotals: previous, changePercent: change };
  }
  return { query };
}

export type MetricsReader = ReturnType<typeof createMetricsReader>;
