import type { CohortUser, FunnelEvent, JourneyEvent, PeriodUnit } from '@broxiva/insights-behaviour';
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
  /** Users anchored (first event, or first purchase) in [start, end), with their activity per period. */
  cohortUsers(q: {
    start: Date;
    end: Date;
    unit: PeriodUnit;
    anchor: 'first_event' | 'first_purchase';
    breakdown?: string;
  }): Promise<CohortUser[]>;
  /** One user's events in [start, end), in time order; at most `limit`. */
  userEvents(userId: string, start: Date, end: Date, limit: number): Promise<JourneyEvent[]>;
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

    async cohortUsers(q) {
      const dim = q.breakdown === undefined ? `''` : `coalesce(${BREAKDOWN_COLUMNS[q.breakdown]}, '')`;
      const purchaseOnly = q.anchor === 'first_purchase' ? `AND event_type = 'purchase'` : '';
      // The anchor is the user's first (purchase) event in all history, so a user first seen before
      // start_date belongs to no cohort of the range.
      const { rows } = await pool.query(
        `WITH anchor AS (
           SELECT DISTINCT ON (${USER}) ${USER} AS u, ts AS anchor, ${dim} AS dim
             FROM events
            WHERE NOT is_bot AND ${USER} IS NOT NULL AND ts < $2 ${purchaseOnly}
            ORDER BY ${USER}, ts, event_id)
         SELECT a.u, (extract(epoch FROM a.anchor) * 1000)::float8 AS anchor, a.dim,
                (extract(epoch FROM date_trunc($3, e.ts AT TIME ZONE 'UTC')) * 1000)::float8 AS at,
                count(*)::int AS events,
                (count(*) FILTER (WHERE e.event_type = 'purchase'))::int AS orders,
                coalesce(sum(e.revenue) FILTER (WHERE e.event_type = 'purchase'), 0)::float8 AS revenue
           FROM anchor a
           JOIN events e ON coalesce(e.user_id, e.anonymous_id) = a.u
                        AND e.ts >= date_trunc($3, a.anchor AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                        AND e.ts < $2 AND NOT e.is_bot
          WHERE a.anchor >= $1
          GROUP BY a.u, a.anchor, a.dim, 4
          ORDER BY a.u, 4`,
        [q.start, q.end, q.unit],
      );
      const users: CohortUser[] = [];
      let user: string | undefined;
      let activity: CohortUser['activity'][number][] = [];
      for (const r of rows) {
        if (user !== r.u) {
          user = r.u as string;
          activity = [];
          users.push({ anchor: r.anchor as number, dim: r.dim as string, activity });
        }
        activity.push({
          at: r.at as number,
          events: r.events as number,
          orders: r.orders as number,
          revenue: r.revenue as number,
        });
      }
      return users;
    },

    async userEvents(userId, start, end, limit) {
      const { rows } = await pool.query(
        `SELECT event_id::text AS id, event_type, (extract(epoch FROM ts) * 1000)::float8 AS t,
                coalesce(session_id, '') AS session_id, coalesce(channel, '') AS channel,
                coalesce(page_path, '') AS page,
                coalesce(items->0->>'product_id', properties->>'product_id', '') AS product_id,
                coalesce(order_id, '') AS order_id,
                CASE WHEN event_type = 'purchase' THEN coalesce(revenue, 0) ELSE 0 END::float8 AS value
           FROM events
          WHERE ${USER} = $1 AND ts >= $2 AND ts < $3
          ORDER BY ts, event_id
          LIMIT $4`,
        [userId, start, end, limit],
      );
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
  };
}

type Row = Record<string, unknown>;

/** Streams a query's rows in chunks through a server-side cursor in a read-only transaction. */
async function withCursor(
  pool: Pool,
  sql: string,
  params: unknown[],
  onRows: (rows: Row[]) => void,
): Promise<void> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`DECLARE behaviour_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${FETCH_ROWS} FROM behaviour_cursor`);
      if (rows.length === 0) break;
      onRows(rows);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
