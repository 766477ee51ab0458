import { USER_KEY_SQL, userActivityZone } from '@broxiva/event-store';
import type { CohortCell, CohortMetric, PeriodUnit } from '@broxiva/insights-behaviour';
import type { Pool, PoolClient } from 'pg';
import { BREAKDOWN_COLUMNS } from './breakdowns.js';
import { inReadOnlyTransaction, type Row } from './read-only-transaction.js';

export interface CohortQuery {
  readonly start: Date;
  readonly end: Date;
  readonly unit: PeriodUnit;
  readonly anchor: 'first_event' | 'first_purchase';
  /** A key of BREAKDOWN_COLUMNS, or undefined. */
  readonly breakdown?: string;
  /** IANA zone whose calendar draws the periods (SHOP_TIMEZONE). */
  readonly timeZone: string;
  /**
   * The metric the cells are for: from the activity tables, sums the metric does not read (orders,
   * revenue, new repeaters) are left at 0 (summing numeric revenue over two million rows is a good part of
   * the query). Undefined = all of them.
   */
  readonly metric?: CohortMetric;
}

const USER = USER_KEY_SQL;
const PURCHASE = `event_type = 'purchase'`;

/**
 * The cohort matrix's cells for users anchored (first event, or first purchase, before `end`) in
 * [start, end): per cohort period, breakdown value and activity period. Bots are left out.
 *
 * Two exact ways to the same cells: from the per-user activity tables of the event store (one row per user
 * and local day, and one per user with their first event and first two purchases; see the event store's
 * user-activity.ts) when they are kept on the calendar of `timeZone`, else from the raw events. Days,
 * ISO weeks and months of a zone are whole local days, so a day table of that zone answers every unit
 * exactly; a table of another zone cannot (its days start at other instants), hence the fallback.
 */
export async function cohortCells(pool: Pool, q: CohortQuery): Promise<CohortCell[]> {
  // One snapshot for the state row and the tables, so a rebuild in another zone cannot slip in between.
  return inReadOnlyTransaction(
    pool,
    async (client) =>
      (await userActivityZone(client)) === q.timeZone
        ? cohortCellsFromActivity(client, q)
        : cohortCellsFromEvents(client, q),
    { repeatableRead: true },
  );
}

/**
 * From the activity tables, in one scan of the day rows, which carry their user's firsts and say whether
 * they are the user's first day in their week and month (so "active in the period" is counted once per
 * user without grouping by user). Days before the local day holding `end` come from the table; that day's
 * events before `end` (none when `end` is a local midnight, as request dates are) from the events, each of
 * its users active there unless a table row of theirs came earlier in the period. The breakdown value
 * (first event's or first purchase's) is the one join, to `user_firsts`, made only for a breakdown.
 * Periods are dates: date_trunc on a local date is the local period.
 */
export async function cohortCellsFromActivity(client: PoolClient, q: CohortQuery): Promise<CohortCell[]> {
  const a = q.anchor === 'first_purchase' ? 'p1' : 'first';
  const period = (d: string) => `date_trunc($3, ${d}::timestamp)::date`;
  const isNew = q.unit === 'day' ? 'true' : `d.new_${q.unit}`;
  const repeatHere = q.unit === 'day' ? 'd.p2_day = d.day' : `d.repeat_${q.unit}`;
  const dim =
    q.breakdown === undefined
      ? { column: `''`, join: '' }
      : {
          column: `coalesce(f.${q.anchor === 'first_purchase' ? 'p_' : 'f_'}${BREAKDOWN_COLUMNS[q.breakdown]}, '')`,
          join: 'JOIN user_firsts f ON f.u = d.u',
        };
  // A period as an instant inside it: local noon of its first day (midnight may fall in a DST gap).
  const instant = (d: string) => `(extract(epoch FROM (${d} + time '12:00') AT TIME ZONE $4) * 1000)::float8`;
  // Rows are first summed per (anchor day, value, day), with no per-row date arithmetic; periods are drawn
  // on those few groups. The table's days and the last day's events are grouped apart, then added up
  // (revenue as numeric to the end, as the events path sums it).
  const needs = (m: CohortMetric) => q.metric === undefined || q.metric === m;
  const grouped = (source: string) => `
    SELECT d.anchor_day, ${dim.column} AS dim, d.day, count(*) FILTER (WHERE d.is_new) AS active,
           ${needs('orders') ? 'sum(d.orders)' : '0'} AS orders,
           ${needs('revenue_per_user') ? 'sum(d.revenue)' : '0'} AS revenue,
           ${needs('repeat_purchase_rate') ? 'count(*) FILTER (WHERE d.is_new AND d.repeat_here AND d.p2_ts < $2)' : '0'} AS new_repeaters
      FROM ${source} d ${dim.join}
     GROUP BY d.anchor_day, 2, d.day`;
  const endDay = `($2::timestamptz AT TIME ZONE $4)::date`;
  const tableDays = `(SELECT u, day, orders, revenue, ${isNew} AS is_new, ${repeatHere} AS repeat_here,
                             ${a}_ts AS anchor_ts, ${a}_day AS anchor_day, p2_ts
                        FROM user_activity_days d
                       WHERE day < ${endDay} AND ${a}_ts >= $1 AND ${a}_ts < $2)`;
  const lastDay = `(SELECT l.u, ${endDay} AS day, l.orders, l.revenue,
                           NOT EXISTS (SELECT 1 FROM user_activity_days e
                                        WHERE e.u = l.u AND e.day < ${endDay}
                                          AND ${period('e.day')} = ${period(endDay)}) AS is_new,
                           coalesce(${period('f.p2_day')} = ${period(endDay)}, false) AS repeat_here,
                           f.${a}_ts AS anchor_ts, f.${a}_day AS anchor_day, f.p2_ts
                      FROM (SELECT ${USER} COLLATE "C" AS u, count(*) FILTER (WHERE ${PURCHASE}) AS orders,
                                   coalesce(sum(revenue) FILTER (WHERE ${PURCHASE}), 0) AS revenue
                              FROM events
                             WHERE ts >= (${endDay}::timestamp AT TIME ZONE $4) AND ts < $2
                               AND NOT is_bot AND ${USER} IS NOT NULL
                             GROUP BY 1) l
                      JOIN user_firsts f ON f.u = l.u
                     WHERE f.${a}_ts >= $1 AND f.${a}_ts < $2)`;
  // ~100k groups at most (days × days): hashed in memory rather than sorted on disk. OFFSET 0 keeps
  // PostgreSQL from pushing `p >= c` (date arithmetic) down to every row.
  await client.query(`SET LOCAL work_mem = '64MB'`);
  const { rows } = await client.query<Row>(
    `SELECT ${instant('c')} AS c, dim, ${instant('p')} AS at, sum(active)::int AS active,
            sum(orders)::int AS orders, sum(revenue)::float8 AS revenue, sum(new_repeaters)::int AS new_repeaters
       FROM (SELECT ${period('anchor_day')} AS c, dim, ${period('day')} AS p, active, orders, revenue, new_repeaters
               FROM (${grouped(tableDays)} UNION ALL ${grouped(lastDay)} OFFSET 0) g) x
      WHERE p >= c
      GROUP BY c, dim, p`,
    [q.start, q.end, q.unit, q.timeZone],
  );
  return rows.map(toCell);
}

/**
 * From the raw events: the anchor is the user's first (purchase) event in all history before end, so a user
 * first seen before start_date belongs to no cohort of the range. One pass over the events groups them per
 * user and period; window functions then find each user's anchor and running order count.
 */
export async function cohortCellsFromEvents(client: PoolClient, q: CohortQuery): Promise<CohortCell[]> {
  const anchorTs = q.anchor === 'first_purchase' ? `min(ts) FILTER (WHERE ${PURCHASE})` : 'min(ts)';
  const dim =
    q.breakdown === undefined
      ? `''`
      : `(array_agg(coalesce(${BREAKDOWN_COLUMNS[q.breakdown]}, '') ORDER BY ts, event_id)${
          q.anchor === 'first_purchase' ? ` FILTER (WHERE ${PURCHASE})` : ''
        })[1]`;
  const { rows } = await client.query<Row>(
    `WITH up AS (
       SELECT ${USER} AS u, date_trunc($3, ts, $4) AS p, count(*) AS events,
              count(*) FILTER (WHERE ${PURCHASE}) AS orders,
              coalesce(sum(revenue) FILTER (WHERE ${PURCHASE}), 0) AS revenue,
              ${anchorTs} AS first_ts, ${dim} AS first_dim
         FROM events
        WHERE NOT is_bot AND ${USER} IS NOT NULL AND ts < $2
        GROUP BY 1, 2),
     ua AS (
       SELECT u, p, orders, revenue,
              min(first_ts) OVER w AS anchor,
              first_value(first_dim) OVER (PARTITION BY u ORDER BY first_ts NULLS LAST) AS dim,
              -- No orders precede the anchor's period (it is the first event, or the first order).
              sum(orders) OVER (PARTITION BY u ORDER BY p) AS cum
         FROM up
       WINDOW w AS (PARTITION BY u))
     SELECT (extract(epoch FROM date_trunc($3, anchor, $4)) * 1000)::float8 AS c, dim,
            (extract(epoch FROM p) * 1000)::float8 AS at,
            count(*)::int AS active, sum(orders)::int AS orders, sum(revenue)::float8 AS revenue,
            (count(*) FILTER (WHERE cum >= 2 AND cum - orders < 2))::int AS new_repeaters
       FROM ua
      WHERE anchor >= $1 AND p >= date_trunc($3, anchor, $4)
      GROUP BY 1, 2, 3`,
    [q.start, q.end, q.unit, q.timeZone],
  );
  return rows.map(toCell);
}

const toCell = (r: Row): CohortCell => ({
  cohortAt: r.c as number,
  dim: r.dim as string,
  at: r.at as number,
  active: r.active as number,
  orders: r.orders as number,
  revenue: r.revenue as number,
  newRepeaters: r.new_repeaters as number,
});
