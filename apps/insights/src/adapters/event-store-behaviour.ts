import {
  seededRandom,
  type CohortCell,
  type ConversionExample,
  type FunnelEvent,
  type JourneyEvent,
  type PeriodUnit,
  type UserActivity,
} from '@broxiva/insights-behaviour';
import type { Pool, PoolClient } from 'pg';

/**
 * Reads the events table (read-only) for behavioural analytics. Users are `coalesce(user_id, anonymous_id)`,
 * the expression the `events_user_ts` index is built on. Bot traffic (is_bot) is left out of funnels and
 * cohorts; a journey shows everything the user did.
 */

/** Breakdown dimensions and the column each reads. */
export const BREAKDOWN_COLUMNS: Readonly<Record<string, string>> = {
  channel: 'channel',
  region: 'region',
  device: 'device_type',
  device_type: 'device_type',
  country: 'country',
  browser: 'browser',
  os: 'os',
};

/** Step-filter properties stored as columns; any other name is looked up in `properties` (JSONB). */
const FILTER_COLUMNS = new Set([
  'page_path',
  'page_url',
  'referrer_domain',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'device_type',
  'browser',
  'os',
  'country',
  'region',
  'channel',
  'order_id',
  'cart_id',
  'coupon',
  'currency',
]);

const USER = 'coalesce(user_id, anonymous_id)';
const DAY = 86_400_000;
/** Rows fetched per round trip from the server-side cursor. */
const FETCH_ROWS = 20_000;

export interface FunnelQuery {
  readonly start: Date;
  readonly end: Date;
  /** Event types to read; undefined = every type. */
  readonly eventTypes?: readonly string[];
  /** Property names used by step filters. */
  readonly properties: readonly string[];
  /** A key of BREAKDOWN_COLUMNS, or undefined. */
  readonly breakdown?: string;
}

export interface BehaviourStore {
  /** Calls `onUser` once per user with their events in [start, end) in time order (ties by event id). */
  funnelEvents(q: FunnelQuery, onUser: (events: FunnelEvent[]) => void): Promise<void>;
  /**
   * The cohort matrix's cells for users anchored (first event, or first purchase, before `end`) in
   * [start, end): per cohort period, breakdown value and activity period.
   */
  cohortCells(q: {
    start: Date;
    end: Date;
    unit: PeriodUnit;
    anchor: 'first_event' | 'first_purchase';
    breakdown?: string;
    /** IANA zone whose calendar draws the periods (SHOP_TIMEZONE). */
    timeZone: string;
  }): Promise<CohortCell[]>;
  /** One user's events in [start, end), in time order; at most `limit`. */
  userEvents(userId: string, start: Date, end: Date, limit: number): Promise<JourneyEvent[]>;
  /**
   * Training data of the conversion model: every user with an event in [cutoff − lookbackDays, cutoff),
   * their activity there and whether they purchased in [cutoff, cutoff + horizonDays). Beyond `maxUsers`
   * users, a uniform random sample of that many (reservoir sampling, seeded: the same data give the
   * same sample).
   */
  conversionExamples(q: {
    cutoff: Date;
    lookbackDays: number;
    horizonDays: number;
    maxUsers: number;
  }): Promise<{ examples: ConversionExample[]; population: number }>;
  /** One user's activity in [cutoff − lookbackDays, cutoff); undefined when they have no event there. */
  userActivity(userId: string, cutoff: Date, lookbackDays: number): Promise<UserActivity | undefined>;
}

const CHANNELS = ['direct', 'organic_search', 'paid', 'social', 'email', 'referral'] as const;
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

/**
 * Per-user activity before $2 (the cutoff) and a purchase in [$2, $3), over events in [$1, $3). One
 * definition for training and for a single user's prediction, so the two cannot drift apart.
 */
function activitySql(userFilter: string): string {
  const f = 'ts < $2';
  const recent = `ts < $2 AND ts >= $2::timestamptz - interval '7 days'`;
  return `
    SELECT ${USER} AS u,
           count(*) FILTER (WHERE ${f})::int AS events,
           (count(DISTINCT session_id) FILTER (WHERE ${f})
              + coalesce(bool_or(session_id IS NULL) FILTER (WHERE ${f}), false)::int)::int AS sessions,
           count(*) FILTER (WHERE ${f} AND event_type = 'page_view')::int AS page_views,
           count(*) FILTER (WHERE ${f} AND event_type = 'product_view')::int AS product_views,
           count(*) FILTER (WHERE ${f} AND event_type = 'add_to_cart')::int AS add_to_carts,
           coalesce(sum(revenue) FILTER (WHERE ${f} AND event_type = 'add_to_cart'), 0)::float8 AS cart_value,
           count(*) FILTER (WHERE ${f} AND event_type = 'checkout_start')::int AS checkout_starts,
           count(*) FILTER (WHERE ${f} AND event_type = 'purchase')::int AS orders,
           (extract(epoch FROM $2::timestamptz - min(ts) FILTER (WHERE ${f})) / 86400)::float8 AS first_days,
           (extract(epoch FROM $2::timestamptz - max(ts) FILTER (WHERE ${f})) / 86400)::float8 AS last_days,
           (count(DISTINCT session_id) FILTER (WHERE ${recent})
              + coalesce(bool_or(session_id IS NULL) FILTER (WHERE ${recent}), false)::int)::int AS recent_sessions,
           count(*) FILTER (WHERE ${recent} AND event_type = 'add_to_cart')::int AS recent_add_to_carts,
           ${CHANNELS.map((c) => `count(*) FILTER (WHERE ${f} AND channel = '${c}')::int AS ch_${c}`).join(',\n           ')},
           ${DEVICES.map((d) => `count(*) FILTER (WHERE ${f} AND device_type = '${d}')::int AS dev_${d}`).join(',\n           ')},
           coalesce(bool_or(event_type = 'purchase' AND ts >= $2), false) AS label
      FROM events
     WHERE ts >= $1 AND ts < $3 AND NOT is_bot AND ${USER} IS NOT NULL ${userFilter}
     GROUP BY 1
    HAVING count(*) FILTER (WHERE ${f}) > 0`;
}

/** One user's activity (prepared once per connection; see userEvents). */
const USER_ACTIVITY_SQL = activitySql(`AND ${USER} = $4`);

function toActivity(r: Row): UserActivity {
  return {
    events: r.events as number,
    sessions: r.sessions as number,
    pageViews: r.page_views as number,
    productViews: r.product_views as number,
    addToCarts: r.add_to_carts as number,
    cartValue: r.cart_value as number,
    checkoutStarts: r.checkout_starts as number,
    orders: r.orders as number,
    daysSinceFirstSeen: r.first_days as number,
    daysSinceLastSeen: r.last_days as number,
    recentSessions: r.recent_sessions as number,
    recentAddToCarts: r.recent_add_to_carts as number,
    channelEvents: Object.fromEntries(CHANNELS.map((c) => [c, r[`ch_${c}`] as number])),
    deviceEvents: Object.fromEntries(DEVICES.map((d) => [d, r[`dev_${d}`] as number])),
  };
}

export function createBehaviourStore(pool: Pool): BehaviourStore {
  return {
    async funnelEvents(q, onUser) {
      const params: unknown[] = [q.start, q.end, q.eventTypes === undefined ? null : [...q.eventTypes]];
      const props = q.properties.map((p, i) => {
        if (FILTER_COLUMNS.has(p)) return `${p}::text AS p${i}`;
        params.push(p);
        return `properties->>$${params.length} AS p${i}`;
      });
      const dim = q.breakdown === undefined ? `''` : `coalesce(${BREAKDOWN_COLUMNS[q.breakdown]}, '')`;
      const sql = `
        SELECT ${USER} AS u, event_type, (extract(epoch FROM ts) * 1000)::float8 AS t, ${dim} AS dim
               ${props.map((p) => `, ${p}`).join('')}
          FROM events
         WHERE ts >= $1 AND ts < $2 AND ($3::text[] IS NULL OR event_type = ANY($3::text[])) AND NOT is_bot AND ${USER} IS NOT NULL
         ORDER BY ${USER}, ts, event_id`;
      let user: string | undefined;
      let events: FunnelEvent[] = [];
      await withCursor(pool, sql, params, (rows) => {
        for (const r of rows) {
          if (r.u !== user) {
            if (events.length > 0) onUser(events);
            user = r.u as string;
            events = [];
          }
          const p: Record<string, string | null> = {};
          q.properties.forEach((name, i) => (p[name] = r[`p${i}`] as string | null));
          events.push({ type: r.event_type as string, ts: r.t as number, props: p, dim: r.dim as string });
        }
      });
      if (events.length > 0) onUser(events);
    },

    async cohortCells(q) {
      const purchase = `event_type = 'purchase'`;
      // The anchor: the user's first (purchase) event in all history before end, so a user first seen
      // before start_date belongs to no cohort of the range. One pass over the events groups them per
      // user and period; window functions then find each user's anchor and running order count.
      const anchorTs = q.anchor === 'first_purchase' ? `min(ts) FILTER (WHERE ${purchase})` : 'min(ts)';
      const dim =
        q.breakdown === undefined
          ? `''`
          : `(array_agg(coalesce(${BREAKDOWN_COLUMNS[q.breakdown]}, '') ORDER BY ts, event_id)${
              q.anchor === 'first_purchase' ? ` FILTER (WHERE ${purchase})` : ''
            })[1]`;
      const rows = await inReadOnlyTransaction(pool, async (client) => {
        const r = await client.query<Row>(
          `WITH up AS (
           SELECT ${USER} AS u, date_trunc($3, ts, $4) AS p, count(*) AS events,
                  count(*) FILTER (WHERE ${purchase}) AS orders,
                  coalesce(sum(revenue) FILTER (WHERE ${purchase}), 0) AS revenue,
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
        return r.rows;
      });
      return rows.map((r) => ({
        cohortAt: r.c as number,
        dim: r.dim as string,
        at: r.at as number,
        active: r.active as number,
        orders: r.orders as number,
        revenue: r.revenue as number,
        newRepeaters: r.new_repeaters as number,
      }));
    },

    async userEvents(userId, start, end, limit) {
      // A named (prepared) statement: after a few runs PostgreSQL keeps a generic plan and prunes the
      // daily partitions at run time, instead of planning a query over every partition per journey.
      const { rows } = await pool.query({
        name: 'behaviour-user-events',
        text: `SELECT event_id::text AS id, event_type, (extract(epoch FROM ts) * 1000)::float8 AS t,
                coalesce(session_id, '') AS session_id, coalesce(channel, '') AS channel,
                coalesce(page_path, '') AS page,
                coalesce(items->0->>'product_id', properties->>'product_id', '') AS product_id,
                coalesce(order_id, '') AS order_id,
                CASE WHEN event_type = 'purchase' THEN coalesce(revenue, 0) ELSE 0 END::float8 AS value
           FROM events
          WHERE ${USER} = $1 AND ts >= $2 AND ts < $3
          ORDER BY ts, event_id
          LIMIT $4`,
        values: [userId, start, end, limit],
      });
      return rows.map((r) => ({
        eventId: r.id as string,
        type: r.event_type as string,
        ts: r.t as number,
        sessionId: r.session_id as string,
        channel: r.channel as string,
        page: r.page as string,
        productId: r.product_id as string,
        orderId: r.order_id as string,
        value: r.value as number,
      }));
    },

    async conversionExamples(q) {
      const from = new Date(q.cutoff.getTime() - q.lookbackDays * DAY);
      const to = new Date(q.cutoff.getTime() + q.horizonDays * DAY);
      const rnd = seededRandom(q.cutoff.getTime() % 2_147_483_647);
      const examples: ConversionExample[] = [];
      let population = 0;
      await withCursor(pool, activitySql(''), [from, q.cutoff, to], (rows) => {
        for (const r of rows) {
          population++;
          const e: ConversionExample = {
            userId: r.u as string,
            activity: toActivity(r),
            label: r.label === true ? 1 : 0,
          };
          // Algorithm R: the k-th user replaces a random slot with probability maxUsers / k.
          if (examples.length < q.maxUsers) examples.push(e);
          else {
            const slot = Math.floor(rnd() * population);
            if (slot < q.maxUsers) examples[slot] = e;
          }
        }
      });
      return { examples, population };
    },

    async userActivity(userId, cutoff, lookbackDays) {
      const from = new Date(cutoff.getTime() - lookbackDays * DAY);
      const { rows } = await pool.query<Row>({
        name: 'behaviour-user-activity',
        text: USER_ACTIVITY_SQL,
        values: [from, cutoff, cutoff, userId],
      });
      return rows[0] === undefined ? undefined : toActivity(rows[0]);
    },
  };
}

type Row = Record<string, unknown>;

/**
 * Runs `work` in a read-only transaction with JIT compilation off. The events table has a partition per
 * day; for a scan over a year PostgreSQL's JIT compiles expressions for each of hundreds of partitions,
 * which cost 5-10 s before the first row in our benchmark (12.9 s → 2.8 s for 12 months of cohorts).
 */
async function inReadOnlyTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query('SET LOCAL jit = off');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Streams a query's rows in chunks through a server-side cursor in a read-only transaction. */
async function withCursor(
  pool: Pool,
  sql: string,
  params: unknown[],
  onRows: (rows: Row[]) => void,
): Promise<void> {
  await inReadOnlyTransaction(pool, async (client) => {
    await client.query(`DECLARE behaviour_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${FETCH_ROWS} FROM behaviour_cursor`);
      if (rows.length === 0) break;
      onRows(rows);
    }
  });
}
