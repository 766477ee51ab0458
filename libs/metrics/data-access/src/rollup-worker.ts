import { inTransaction } from '@broxiva/db';
import type { Pool, PoolClient } from 'pg';
import { EVENT_DIMENSIONS, factsSql } from './facts-sql.js';
import { onHour } from './measures-sql.js';
import { SKETCHES, sketchOf, unionOf } from './sketch-sql.js';
import { buildSlices, dropSlices } from './slices.js';

type Queryable = Pick<PoolClient, 'query'>;

/** Marks hours (UTC bucket starts) dirty; call inside the transaction that wrote their events. */
export async function markDirty(db: Queryable, hours: readonly Date[]): Promise<void> {
  if (hours.length === 0) return;
  // DO NOTHING keeps the oldest mark time, which is what the lag gauge reports. If the worker is
  // recomputing this hour (its row deleted but uncommitted), this waits and then inserts a fresh mark.
  await db.query(
    `INSERT INTO rollup_dirty (hour) SELECT unnest($1::timestamptz[]) ORDER BY 1 ON CONFLICT (hour) DO NOTHING`,
    [hours.map((h) => h.toISOString())],
  );
}

export interface RollupWorkerDeps {
  readonly pool: Pool;
  /** The clock deciding which days are closed (sliced); default the database's now(). */
  readonly now?: () => Date;
  /** Days of `daily_metrics` are days of this zone. */
  readonly shopTimeZone: string;
  /** Hours claimed per transaction; default 24. */
  readonly hoursPerRun?: number;
  /**
   * Told the UTC days (YYYY-MM-DD) whose buckets a run changed, after its transaction committed (and `[]`
   * after an idle pass): the query cache bumps their generations. Must not throw (the work is committed).
   */
  readonly invalidate?: (utcDays: readonly string[]) => Promise<void>;
}

const DIMS = EVENT_DIMENSIONS.join(', ');

/** Serialises recomputing a day's daily rollups and building its slices (one transaction each). */
const lockDay = (client: Queryable, day: string) =>
  client.query(
    `SELECT pg_advisory_xact_lock(hashtext('broxiva.rollup_day'), ($1::date - date '2000-01-01'))`,
    [day],
  );
const HOUR_OF = `date_trunc('hour', f.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
const IN_HOURS = `e.ts >= $2 AND e.ts < $3 AND date_trunc('hour', e.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = ANY($1::timestamptz[])`;

function hourlyInsert(table: string, byCategory: boolean): string {
  const dims = byCategory ? `category, ${DIMS}` : DIMS;
  // A user is new in the hour of their first event ever: the hour their sketch of new users holds them.
  const firstHour = `date_trunc('hour', u.first_seen AT TIME ZONE 'UTC') = date_trunc('hour', f.ts AT TIME ZONE 'UTC')`;
  return `INSERT INTO ${table} (hour, ${dims}, events, revenue, items_sold, ${SKETCHES.join(', ')})
    SELECT ${HOUR_OF}, ${dims}, count(*),
           coalesce(sum(f.revenue) FILTER (WHERE f.event_type = 'purchase'), 0),
           coalesce(sum(f.items) FILTER (WHERE f.event_type = 'purchase'), 0),
           ${sketchOf('f.user_key')}, ${sketchOf('f.session_id')}, ${sketchOf('f.user_key', firstHour)}
      FROM (${factsSql(byCategory, IN_HOURS)}) f
      LEFT JOIN user_first_seen u ON u.user_key = f.user_key
     GROUP BY 1, ${dims}`;
}

/** Regroups the hourly rows of [$2, $3) into the rows of day $1. */
function dailyInsert(byCategory: boolean): string {
  const dims = byCategory ? `category, ${DIMS}` : DIMS;
  const suffix = byCategory ? '_category' : '';
  return `INSERT INTO rollup_daily${suffix} (day, ${dims}, events, revenue, items_sold, ${SKETCHES.join(', ')})
    SELECT $1::date, ${dims}, sum(events), sum(revenue), sum(items_sold),
           ${SKETCHES.map((c) => unionOf(c)).join(', ')}
      FROM rollup_hourly${suffix} WHERE hour >= $2 AND hour < $3
     GROUP BY ${dims}`;
}

/**
 * Recomputes dirty hours from raw events: lowers users' first-seen times, deletes the hours' rollup rows and
 * inserts fresh ones, then recomputes the shop-zone days those hours touch (`daily_metrics` from raw events,
 * `rollup_daily*` by regrouping the hourly rows). A user whose first-seen time moves earlier leaves the
 * sketch of new users of their former first hour: that hour is marked dirty for a later run. Claims with
 * SKIP LOCKED, so several replicas share the work; all in one transaction per run, so a crash leaves the
 * hours dirty. Late and historical events are handled the same way. Daily rollups are kept for the days
 * of `shopTimeZone` (recorded in `rollup_settings`); when it changes, every hour is recomputed.
 */
export function createRollupWorker(deps: RollupWorkerDeps) {
  const limit = deps.hoursPerRun ?? 24;
  let zoneChecked = false;

  /**
   * Records the zone of the daily rollups; on a change, drops them (and `daily_metrics`) and marks every
   * rolled-up hour dirty. Checked once per worker, in the transaction of its first run.
   */
  async function ensureDailyZone(client: PoolClient): Promise<void> {
    if (zoneChecked) return;
    await client.query(`INSERT INTO rollup_settings (daily_zone) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [
      deps.shopTimeZone,
    ]);
    const { rows } = await client.query<{ daily_zone: string }>(`SELECT daily_zone FROM rollup_settings`);
    if (rows[0]?.daily_zone === deps.shopTimeZone) return;
    // Locks the row, so of two replicas started with the new zone one rebuilds and the other waits and skips.
    const updated = await client.query(
      `UPDATE rollup_settings SET daily_zone = $1 WHERE daily_zone IS DISTINCT FROM $1`,
      [deps.shopTimeZone],
    );
    if (updated.rowCount === 0) return;
    for (const t of [
      'rollup_daily',
      'rollup_daily_category',
      'rollup_daily_slices',
      'rollup_sliced_days',
      'daily_metrics',
    ]) {
      await client.query(`DELETE FROM ${t}`);
    }
    await client.query(
      `INSERT INTO rollup_dirty (hour) SELECT DISTINCT hour FROM rollup_hourly ORDER BY 1 ON CONFLICT (hour) DO NOTHING`,
    );
  }

  /** Resolves the UTC days whose answers may have changed: the hours' own and those of moved first-seens. */
  async function recompute(client: PoolClient, hours: Date[]): Promise<string[]> {
    const iso = hours.map((h) => h.toISOString());
    const from = new Date(Math.min(...hours.map((h) => h.getTime())));
    const to = new Date(Math.max(...hours.map((h) => h.getTime())) + 3_600_000);
    const args = [iso, from, to];
    // A late event may make a user older: first-seen times first, since the hourly sketches of new users
    // read them. The hour and the day they were new in before change too.
    const moved = await client.query<{ hour: Date; day: string; utc_day: string }>(
      `WITH cand AS (
         SELECT coalesce(e.user_id, e.anonymous_id) AS user_key, min(e.ts) AS first_seen
           FROM events e WHERE ${IN_HOURS} AND coalesce(e.user_id, e.anonymous_id) IS NOT NULL GROUP BY 1),
       old AS (
         SELECT u.first_seen FROM user_first_seen u JOIN cand c USING (user_key) WHERE c.first_seen < u.first_seen),
       up AS (
         INSERT INTO user_first_seen (user_key, first_seen) SELECT user_key, first_seen FROM cand
         ON CONFLICT (user_key) DO UPDATE SET first_seen = excluded.first_seen
          WHERE excluded.first_seen < user_first_seen.first_seen)
       SELECT DISTINCT date_trunc('hour', first_seen AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
              to_char(first_seen AT TIME ZONE $4, 'YYYY-MM-DD') AS day,
              to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS utc_day FROM old`,
      [...args, deps.shopTimeZone],
    );
    // Hours of this run are recomputed below; the others wait for a run that claims them.
    const claimed = new Set(iso);
    await markDirty(
      client,
      moved.rows.map((r) => r.hour).filter((h) => !claimed.has(h.toISOString())),
    );
    await client.query(`DELETE FROM rollup_hourly WHERE hour = ANY($1::timestamptz[])`, [iso]);
    await client.query(hourlyInsert('rollup_hourly', false), args);
    await client.query(`DELETE FROM rollup_hourly_category WHERE hour = ANY($1::timestamptz[])`, [iso]);
    await client.query(hourlyInsert('rollup_hourly_category', true), args);
    const days = await client.query<{ day: string }>(
      `SELECT DISTINCT to_char(h AT TIME ZONE $2, 'YYYY-MM-DD') AS day FROM unnest($1::timestamptz[]) h`,
      [iso, deps.shopTimeZone],
    );
    const all = [...new Set([...days.rows, ...moved.rows].map((r) => r.day))].sort();
    for (const day of all) await recomputeDay(client, day);
    // new_users of the day a user was first seen on before changes when that moves earlier.
    return [...new Set([...iso.map((h) => h.slice(0, 10)), ...moved.rows.map((r) => r.utc_day)])].sort();
  }

  async function recomputeDay(client: PoolClient, day: string): Promise<void> {
    await lockDay(client, day);
    await dropSlices(client, day);
    // Local midnights come from PostgreSQL, so its zone rules decide DST exactly as queries do.
    const bounds = await client.query<{ start: Date; end: Date }>(
      `SELECT ($1::date)::timestamp AT TIME ZONE $2 AS start, ($1::date + 1)::timestamp AT TIME ZONE $2 AS end`,
      [day, deps.shopTimeZone],
    );
    const { start, end } = bounds.rows[0] ?? { start: undefined, end: undefined };
    for (const byCategory of [false, true]) {
      const table = byCategory ? 'rollup_daily_category' : 'rollup_daily';
      await client.query(`DELETE FROM ${table} WHERE day = $1::date`, [day]);
      // A day that does not start and end on UTC hours (Asia/Kolkata) cannot be regrouped from hours.
      if (start !== undefined && end !== undefined && onHour(start) && onHour(end)) {
        await client.query(dailyInsert(byCategory), [day, start, end]);
      }
    }
    await client.query(`DELETE FROM daily_metrics WHERE day = $1::date`, [day]);
    await client.query(
      `INSERT INTO daily_metrics (day, revenue, orders, average_order_value, items_sold, sessions, users,
         new_users, page_views, product_views, add_to_cart, checkout_starts, conversion_rate)
       SELECT $1::date, revenue, orders, CASE WHEN orders = 0 THEN 0 ELSE round(revenue / orders, 4) END,
              items_sold, sessions, users, new_users, page_views, product_views, add_to_cart, checkout_starts,
              CASE WHEN sessions = 0 THEN 0 ELSE round(100.0 * purchase_sessions / sessions, 2) END
         FROM (
           SELECT coalesce(sum(f.revenue) FILTER (WHERE f.event_type = 'purchase'), 0) AS revenue,
                  count(*) FILTER (WHERE f.event_type = 'purchase') AS orders,
                  coalesce(sum(f.items) FILTER (WHERE f.event_type = 'purchase'), 0) AS items_sold,
                  count(DISTINCT f.session_id) AS sessions,
                  count(DISTINCT f.user_key) AS users,
                  count(DISTINCT f.user_key) FILTER (WHERE coalesce(u.first_seen, f.ts) >= $2) AS new_users,
                  count(*) FILTER (WHERE f.event_type = 'page_view') AS page_views,
                  count(*) FILTER (WHERE f.event_type = 'product_view') AS product_views,
                  count(*) FILTER (WHERE f.event_type = 'add_to_cart') AS add_to_cart,
                  count(*) FILTER (WHERE f.event_type = 'checkout_start') AS checkout_starts,
                  count(DISTINCT f.session_id) FILTER (WHERE f.event_type = 'purchase') AS purchase_sessions
             FROM (${factsSql(false, 'e.ts >= $2 AND e.ts < $3')}) f
             LEFT JOIN user_first_seen u ON u.user_key = f.user_key
         ) m
        WHERE m.revenue <> 0 OR m.users > 0 OR m.sessions > 0 OR m.page_views > 0 OR m.orders > 0`,
      [day, start, end],
    );
  }

  /**
   * Recomputes every UTC hour of one shop-zone day (YYYY-MM-DD), dirty or not, and the days they touch
   * in `daily_metrics`, in one transaction; resolves the number of hours. Idempotent: a second run
   * writes the same rows. The hours are marked dirty and then claimed by this transaction first, so a
   * concurrent worker run on them finishes before (or skips them), and rollup rows are never written twice.
   */
  async function recomputeShopDay(day: string): Promise<number> {
    const { hours, changed } = await inTransaction(deps.pool, async (client) => {
      await ensureDailyZone(client);
      const { rows } = await client.query<{ hour: Date }>(
        `SELECT generate_series(
                  date_trunc('hour', ($1::date)::timestamp AT TIME ZONE $2 AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                  ($1::date + 1)::timestamp AT TIME ZONE $2 - interval '1 microsecond',
                  interval '1 hour') AS hour`,
        [day, deps.shopTimeZone],
      );
      const hours = rows.map((r) => r.hour);
      await markDirty(client, hours);
      await client.query(`DELETE FROM rollup_dirty WHERE hour = ANY($1::timestamptz[])`, [
        hours.map((h) => h.toISOString()),
      ]);
      return { hours, changed: await recompute(client, hours) };
    });
    zoneChecked = true;
    await deps.invalidate?.(changed);
    return hours.length;
  }

  /** Claims up to `hoursPerRun` dirty hours and recomputes them; resolves how many it did. */
  async function runOnce(): Promise<number> {
    const { claimed, changed } = await inTransaction(deps.pool, async (client) => {
      await ensureDailyZone(client);
      const { rows } = await client.query<{ hour: Date }>(
        `DELETE FROM rollup_dirty WHERE hour IN (
           SELECT hour FROM rollup_dirty ORDER BY hour LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING hour`,
        [limit],
      );
      const hours = rows.map((r) => r.hour);
      return { claimed: hours.length, changed: hours.length > 0 ? await recompute(client, hours) : [] };
    });
    zoneChecked = true;
    // After the commit, never before: a query reading the new generation must also see the new rows.
    // Called on idle passes too, so bumps that failed while Redis was down are retried.
    await deps.invalidate?.(changed);
    return claimed;
  }

  /**
   * Builds the slices of up to `maxDays` closed days (before today in the shop's zone) that have events
   * (a `daily_metrics` row, written with their daily rollups) and no current slices, one transaction per
   * day; resolves how many it built.
   */
  async function sliceClosedDays(maxDays = 8): Promise<number> {
    const { rows } = await deps.pool.query<{ day: string }>(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day FROM daily_metrics d
        WHERE d.day < (${deps.now === undefined ? 'now()' : '$2::timestamptz'} AT TIME ZONE $1)::date
          AND NOT EXISTS (SELECT 1 FROM rollup_sliced_days s WHERE s.day = d.day)
        ORDER BY 1 LIMIT ${Math.max(1, Math.floor(maxDays))}`,
      deps.now === undefined ? [deps.shopTimeZone] : [deps.shopTimeZone, deps.now()],
    );
    let built = 0;
    for (const { day } of rows) {
      built += await inTransaction(deps.pool, async (client) => {
        await lockDay(client, day);
        // Another replica may have built it, or a recompute removed its daily rollups, meanwhile.
        const pending = await client.query(
          `SELECT 1 FROM daily_metrics d WHERE d.day = $1::date
              AND NOT EXISTS (SELECT 1 FROM rollup_sliced_days s WHERE s.day = d.day)`,
          [day],
        );
        if (pending.rowCount === 0) return 0;
        await buildSlices(client, day);
        return 1;
      });
    }
    return built;
  }

  /**
   * Runs until no hour is dirty, then builds the slices of every closed day lacking them; resolves the
   * number of hours recomputed.
   */
  async function drain(): Promise<number> {
    let total = 0;
    for (let n = await runOnce(); n > 0; n = await runOnce()) total += n;
    while ((await sliceClosedDays()) > 0);
    return total;
  }

  /** Seconds since the oldest pending mark (0 when the rollups are current). */
  async function lagSeconds(): Promise<number> {
    const { rows } = await deps.pool.query<{ lag: number }>(
      `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(marked_at)), 0)::float8 AS lag FROM rollup_dirty`,
    );
    return rows[0]?.lag ?? 0;
  }

  return { runOnce, drain, sliceClosedDays, lagSeconds, recomputeShopDay };
}

export type RollupWorker = ReturnType<typeof createRollupWorker>;
