import { inTransaction } from '@broxiva/db';
import type { Pool, PoolClient } from 'pg';
import { USER_KEY_SQL } from './event-columns.js';

/**
 * Per-user activity kept beside the events so cohort analysis reads about one row per user and active day
 * instead of every event (10M events → ~1M users and their active days).
 *
 * - `user_activity_days`: one row per user and calendar day of the zone in `user_activity_state`, with the
 *   day's event count, orders (purchase events) and their revenue.
 * - `user_firsts`: one row per user: their first event (time, id, local day, breakdown values), their first
 *   purchase (the same) and their second purchase (time, id, local day), "first" meaning the least
 *   (ts, event_id), the order every cohort query breaks ties by.
 * - `user_activity_state`: one row naming the IANA zone whose calendar draws the days. Days of one zone
 *   cannot give exact periods of another (Asia/Kolkata's days start on the half hour, Berlin's move with
 *   daylight saving time), so readers use the tables only when their zone is this one, and the zone is
 *   changed by rebuilding them (`ensureUserActivity`). Without a state row nothing is maintained.
 *
 * Bots (`is_bot`) and events with neither user_id nor anonymous_id are left out; a user is
 * `coalesce(user_id, anonymous_id)`, as in every behavioural query.
 *
 * The event writer keeps the tables up to date in the statement that stores the events (`userActivitySql`):
 * only events it newly stored are added, so a batch written twice adds nothing and a late event updates
 * the user's rows (and their first event, if it came first). Dropping event partitions (retention) calls
 * `forgetUserActivityBefore`, so the tables always describe the events stored.
 */

/** Breakdown columns whose value on the first event (and first purchase) is kept per user. */
export const ACTIVITY_DIMENSIONS = ['channel', 'region', 'device_type', 'country', 'browser', 'os'] as const;
export type ActivityDimension = (typeof ACTIVITY_DIMENSIONS)[number];

const USER = USER_KEY_SQL;
const PURCHASE = `event_type = 'purchase'`;
const DIMS = ACTIVITY_DIMENSIONS;

/** The tables (for the migration). */
export const USER_ACTIVITY_DDL = [
  `CREATE TABLE IF NOT EXISTS user_activity_state (
     only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
     zone text NOT NULL,
     built_at timestamptz NOT NULL DEFAULT now())`,
  // "C" collation: byte comparison, much cheaper than the locale's for sorting a million user ids. The
  // user's firsts are copied onto their day rows, and each row says whether it is the user's first day in
  // its ISO week and month (new_*) and whether the user's second purchase is in its week and month
  // (repeat_*): a cohort matrix is then one scan, grouped by days, without a join or a per-user grouping.
  `CREATE TABLE IF NOT EXISTS user_activity_days (
     u text COLLATE "C" NOT NULL,
     day date NOT NULL,
     events integer NOT NULL,
     orders integer NOT NULL,
     revenue numeric NOT NULL,
     first_ts timestamptz, first_day date,
     p1_ts timestamptz, p1_day date,
     p2_ts timestamptz, p2_day date,
     new_week boolean NOT NULL DEFAULT false,
     new_month boolean NOT NULL DEFAULT false,
     repeat_week boolean NOT NULL DEFAULT false,
     repeat_month boolean NOT NULL DEFAULT false,
     PRIMARY KEY (u, day))`,
  `CREATE TABLE IF NOT EXISTS user_firsts (
     u text COLLATE "C" PRIMARY KEY,
     first_ts timestamptz NOT NULL,
     first_id uuid NOT NULL,
     first_day date NOT NULL,
     ${DIMS.map((d) => `f_${d} text`).join(', ')},
     p1_ts timestamptz, p1_id uuid, p1_day date,
     ${DIMS.map((d) => `p_${d} text`).join(', ')},
     p2_ts timestamptz, p2_id uuid, p2_day date)`,
];

const FIRSTS_COLUMNS = [
  'u',
  'first_ts',
  'first_id',
  'first_day',
  ...DIMS.map((d) => `f_${d}`),
  'p1_ts',
  'p1_id',
  'p1_day',
  ...DIMS.map((d) => `p_${d}`),
  'p2_ts',
  'p2_id',
  'p2_day',
].join(', ');

/**
 * Rows of `user_activity_days` and `user_firsts` from `source`, a relation with the events' columns, a
 * `day` column (the local date) and `u`: one statement body each, shared by the writer and the rebuild so
 * the two cannot disagree.
 */
function daysSelect(source: string): string {
  return `SELECT u, day, count(*)::int, (count(*) FILTER (WHERE ${PURCHASE}))::int,
                 coalesce(sum(revenue) FILTER (WHERE ${PURCHASE}), 0)
            FROM ${source} GROUP BY u, day ORDER BY u, day`;
}

function firstsSelect(source: string): string {
  const dims = (p: string) => DIMS.map((d) => `${p}.${d}`).join(', ');
  return `SELECT f.u, f.ts, f.event_id, f.day, ${dims('f')},
                 b1.ts, b1.event_id, b1.day, ${dims('b1')}, b2.ts, b2.event_id, b2.day
            FROM (SELECT DISTINCT ON (u) * FROM ${source} ORDER BY u, ts, event_id) f
            LEFT JOIN (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY u ORDER BY ts, event_id) AS n
                                        FROM ${source} WHERE ${PURCHASE}) x WHERE n <= 2) b1
              ON b1.u = f.u AND b1.n = 1
            LEFT JOIN (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY u ORDER BY ts, event_id) AS n
                                        FROM ${source} WHERE ${PURCHASE}) x WHERE n <= 2) b2
              ON b2.u = f.u AND b2.n = 2
           ORDER BY f.u`;
}

/** (a_ts, a_id) < (b_ts, b_id), a missing (NULL) instant being later than any other. */
const earlier = (a: string, b: string) =>
  `coalesce((${a}_ts, ${a}_id) < (${b}_ts, ${b}_id), ${a}_ts IS NOT NULL)`;

/**
 * Merges the batch's firsts (excluded) into the stored row (t): the earlier first event; the two earliest
 * purchases of the four. Every expression reads the row as it was before the update.
 */
function mergeFirsts(): string {
  const pick = (cond: string, a: string, b: string) => `CASE WHEN ${cond} THEN ${a} ELSE ${b} END`;
  const newFirst = earlier('excluded.first', 't.first');
  const newP1 = earlier('excluded.p1', 't.p1');
  const set: string[] = [];
  for (const c of ['first_ts', 'first_id', 'first_day', ...DIMS.map((d) => `f_${d}`)])
    set.push(`${c} = ${pick(newFirst, `excluded.${c}`, `t.${c}`)}`);
  for (const c of ['p1_ts', 'p1_id', 'p1_day', ...DIMS.map((d) => `p_${d}`)])
    set.push(`${c} = ${pick(newP1, `excluded.${c}`, `t.${c}`)}`);
  // Second: if the batch's first purchase is the new first, the earlier of its second and the old first;
  // otherwise the earlier of the old second and the batch's first.
  for (const s of ['ts', 'id', 'day']) {
    set.push(
      `p2_${s} = ${pick(
        newP1,
        pick(earlier('excluded.p2', 't.p1'), `excluded.p2_${s}`, `t.p1_${s}`),
        pick(earlier('excluded.p1', 't.p2'), `excluded.p1_${s}`, `t.p2_${s}`),
      )}`,
    );
  }
  return `${set.join(',\n    ')}
   WHERE ${newFirst} OR ${earlier('excluded.p1', 't.p2')}`;
}

/**
 * CTEs for the event writer's statement (start with a comma): add the events of `stored` (a CTE returning
 * event_id, ts, event_type, user_id, anonymous_id, is_bot, revenue and the ACTIVITY_DIMENSIONS columns) to
 * the activity tables. Nothing happens without a state row. Rows are upserted in (user, day) order so
 * concurrent writers lock them in one order.
 */
export function userActivitySql(stored: string): string {
  return `,
  activity_events AS (
    SELECT ${USER} AS u, (s.ts AT TIME ZONE z.zone)::date AS day, s.*
      FROM ${stored} s CROSS JOIN user_activity_state z
     WHERE NOT s.is_bot AND ${USER} IS NOT NULL),
  activity_days AS (
    INSERT INTO user_activity_days AS d (u, day, events, orders, revenue)
    ${daysSelect('activity_events')}
    ON CONFLICT (u, day) DO UPDATE SET events = d.events + excluded.events,
      orders = d.orders + excluded.orders, revenue = d.revenue + excluded.revenue),
  activity_firsts AS (
    INSERT INTO user_firsts AS t (${FIRSTS_COLUMNS})
    ${firstsSelect('activity_events')}
    ON CONFLICT (u) DO UPDATE SET
    ${mergeFirsts()})`;
}

/** Columns the writer's `stored` CTE must return for `userActivitySql`. */
export const USER_ACTIVITY_EVENT_COLUMNS = [
  'event_id',
  'ts',
  'event_type',
  'user_id',
  'anonymous_id',
  'is_bot',
  'revenue',
  ...DIMS,
] as const;

/** Copied from user_firsts onto every day row of the user. */
const COPIED = ['first_ts', 'first_day', 'p1_ts', 'p1_day', 'p2_ts', 'p2_day'] as const;

const FLAGS = ['new_week', 'new_month', 'repeat_week', 'repeat_month'] as const;

/**
 * The flags of a day row of `rel` (over the rows of `rel`, so it must hold all of the user's rows) whose
 * user's firsts are `f`: first day of the user in its ISO week / month; the second purchase in its week /
 * month.
 */
const flags = (rel: string, f: string) => {
  const same = (unit: string) =>
    `coalesce(date_trunc('${unit}', ${f}.p2_day::timestamp) = date_trunc('${unit}', ${rel}.day::timestamp), false)`;
  const first = (unit: string) =>
    `${rel}.day = min(${rel}.day) OVER (PARTITION BY ${rel}.u, date_trunc('${unit}', ${rel}.day::timestamp))`;
  return `${first('week')} AS new_week, ${first('month')} AS new_month,
          ${same('week')} AS repeat_week, ${same('month')} AS repeat_month`;
};

/**
 * Brings the day rows of the users `userFilter` selects (a condition on `u`; all users when empty) up to
 * date with user_firsts and with each other (first day in week / month), writing only rows that change.
 */
export function refreshUserActivitySql(userFilter = ''): string {
  const where = userFilter === '' ? '' : `WHERE ${userFilter}`;
  return `UPDATE user_activity_days d
     SET ${[...COPIED.map((c) => `${c} = x.${c}`), ...FLAGS.map((c) => `${c} = x.${c}`)].join(', ')}
    FROM (SELECT a.u, a.day, ${COPIED.map((c) => `f.${c}`).join(', ')}, ${flags('a', 'f')}
            FROM user_activity_days a JOIN user_firsts f ON f.u = a.u ${where}) x
   WHERE d.u = x.u AND d.day = x.day
     AND (${[...COPIED, ...FLAGS].map((c) => `d.${c}`).join(', ')})
         IS DISTINCT FROM (${[...COPIED, ...FLAGS].map((c) => `x.${c}`).join(', ')})`;
}

/** The writer's refresh: the users of the batch in the staging table (a superset of those it stored). */
export const REFRESH_STAGED_USERS_SQL = refreshUserActivitySql(
  `a.u IN (SELECT DISTINCT ${USER} COLLATE "C" FROM events_staging WHERE NOT is_bot)`,
);

/**
 * Statements that fill both (empty) tables from the events in [from, to) (SQL expressions) in the state's
 * zone: the firsts, then the day rows with the firsts copied and the flags set.
 */
export function fillUserActivitySql(from: string, to: string): [firsts: string, days: string] {
  // Materialised once: the firsts read it three times.
  const source = `WITH ev AS MATERIALIZED (
      SELECT ${USER} AS u, (e.ts AT TIME ZONE z.zone)::date AS day, e.*
        FROM events e CROSS JOIN user_activity_state z
       WHERE NOT e.is_bot AND ${USER} IS NOT NULL AND e.ts >= ${from} AND e.ts < ${to})`;
  return [
    `${source} INSERT INTO user_firsts (${FIRSTS_COLUMNS}) ${firstsSelect('ev')}`,
    `${source.replace('MATERIALIZED', 'NOT MATERIALIZED')}
     INSERT INTO user_activity_days (u, day, events, orders, revenue, ${[...COPIED, ...FLAGS].join(', ')})
     SELECT a.u, a.day, a.events, a.orders, a.revenue, ${COPIED.map((c) => `f.${c}`).join(', ')}, ${flags('a', 'f')}
       FROM (${daysSelect('ev')}) a (u, day, events, orders, revenue)
       JOIN user_firsts f ON f.u = a.u
      ORDER BY a.u, a.day`,
  ];
}

/** Blocks writers (not readers) of the activity tables until the end of the transaction. */
const LOCK = `LOCK TABLE user_activity_state, user_activity_days, user_firsts IN SHARE ROW EXCLUSIVE MODE`;

/**
 * The zone the tables are kept in, or undefined when they are not kept (or not migrated yet). Fails no
 * transaction when the tables are missing.
 */
export async function userActivityZone(db: Pool | PoolClient): Promise<string | undefined> {
  const { rows: t } = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('user_activity_state') IS NOT NULL AS ok`,
  );
  if (t[0]?.ok !== true) return undefined;
  const { rows } = await db.query<{ zone: string }>('SELECT zone FROM user_activity_state');
  return rows[0]?.zone;
}

/**
 * Makes the activity tables hold every stored event's activity on the calendar of `zone` (an IANA name):
 * nothing to do when they already do; otherwise they are rebuilt from the events in one transaction, which
 * holds back event writers (not readers of the tables) meanwhile. Returns whether it rebuilt them. Call it
 * where the shop's zone is known (SHOP_TIMEZONE) before relying on the tables.
 */
export async function ensureUserActivity(pool: Pool, zone: string): Promise<{ rebuilt: boolean }> {
  if ((await userActivityZone(pool)) === zone) return { rebuilt: false };
  const rebuilt = await inTransaction(pool, async (client) => {
    await client.query(LOCK);
    await client.query(`SET LOCAL jit = off`);
    // Validates the name (PostgreSQL knows the same IANA zones) before anything is written.
    await client.query(`SELECT now() AT TIME ZONE $1`, [zone]);
    const { rows } = await client.query<{ zone: string }>('SELECT zone FROM user_activity_state');
    if (rows[0]?.zone === zone) return false;
    await client.query('TRUNCATE user_activity_days, user_firsts');
    await client.query(
      `INSERT INTO user_activity_state (zone, built_at) VALUES ($1, now())
       ON CONFLICT (only_row) DO UPDATE SET zone = excluded.zone, built_at = excluded.built_at`,
      [zone],
    );
    for (const sql of fillUserActivitySql(`'-infinity'`, `'infinity'`)) await client.query(sql);
    return true;
  });
  if (rebuilt) await pool.query('VACUUM (ANALYZE) user_activity_days, user_firsts');
  return { rebuilt };
}

/**
 * After the events before `keptFrom` were dropped: removes their activity. Days wholly before `keptFrom`
 * go; the local day holding it is recomputed from the events kept; users whose first event was dropped get
 * their firsts recomputed from the events kept (or go, when none are left).
 */
export async function forgetUserActivityBefore(pool: Pool, keptFrom: Date): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(LOCK);
    const { rows } = await client.query<{ day: string; next: Date }>(
      `SELECT ($1::timestamptz AT TIME ZONE zone)::date::text AS day,
              ((($1::timestamptz AT TIME ZONE zone)::date + 1)::timestamp AT TIME ZONE zone) AS next
         FROM user_activity_state`,
      [keptFrom],
    );
    const state = rows[0];
    if (state !== undefined) {
      // The local day holding keptFrom: its rows again from the events kept (copied columns and flags below).
      await client.query('DELETE FROM user_activity_days WHERE day <= $1::date', [state.day]);
      await client.query(
        `INSERT INTO user_activity_days (u, day, events, orders, revenue)
         ${daysSelect(`(SELECT ${USER} AS u, (e.ts AT TIME ZONE z.zone)::date AS day, e.*
                          FROM events e CROSS JOIN user_activity_state z
                         WHERE NOT e.is_bot AND ${USER} IS NOT NULL AND e.ts >= $1 AND e.ts < $2) ev`)}`,
        [keptFrom, state.next],
      );
      // Users whose first event was dropped: their firsts again from the events kept, or gone.
      await client.query(
        `CREATE TEMP TABLE forgotten_users ON COMMIT DROP AS
           SELECT u FROM user_firsts WHERE first_ts < $1`,
        [keptFrom],
      );
      await client.query('DELETE FROM user_firsts WHERE u IN (SELECT u FROM forgotten_users)');
      await client.query(
        `INSERT INTO user_firsts (${FIRSTS_COLUMNS})
         ${firstsSelect(`(SELECT ${USER} AS u, (e.ts AT TIME ZONE z.zone)::date AS day, e.*
                            FROM events e CROSS JOIN user_activity_state z
                           WHERE NOT e.is_bot AND ${USER} IN (SELECT u FROM forgotten_users)) ev`)}`,
      );
      // Dropped days change which kept day is a user's first in its week or month: every user, once.
      await client.query(refreshUserActivitySql());
    }
  });
}
