import {
  seededRandom,
  type CohortCell,
  type ConversionExample,
  type FunnelEvent,
  type JourneyEvent,
  type UserActivity,
} from '@broxiva/insights-behaviour';
import { USER_KEY_SQL } from '@broxiva/event-store';
import type { Pool } from 'pg';
import { BREAKDOWN_COLUMNS } from './breakdowns.js';
import { cohortCells, type CohortQuery } from './cohort-cells.js';
import { funnelEvents, type FunnelQuery } from './funnel-events.js';
import { withCursor, type Row } from './read-only-transaction.js';

/**
 * Reads the events table (read-only) for behavioural analytics. Users are `coalesce(user_id, anonymous_id)`,
 * the expression the `events_user_ts` index is built on. Bot traffic (is_bot) is left out of funnels and
 * cohorts; a journey shows everything the user did.
 */

export { BREAKDOWN_COLUMNS };
export type { FunnelQuery };

const USER = USER_KEY_SQL;
const DAY = 86_400_000;

export interface BehaviourStore {
  /**
   * Calls `onUser` once per user, users in no particular order, with their events in [start, end) in time
   * order (ties within a millisecond by event id).
   */
  funnelEvents(q: FunnelQuery, onUser: (events: FunnelEvent[]) => void): Promise<void>;
  /**
   * The cohort matrix's cells for users anchored (first event, or first purchase, before `end`) in
   * [start, end): per cohort period, breakdown value and activity period (see cohort-cells.ts).
   */
  cohortCells(q: CohortQuery): Promise<CohortCell[]>;
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
    funnelEvents: (q, onUser) => funnelEvents(pool, q, onUser),

    cohortCells: (q) => cohortCells(pool, q),

    async userEvents(userId, start, end, limit) {
      const span = await userSpan(pool, userId, start, end);
      if (span === 'none') return [];
      // A named (prepared) statement: after a few runs PostgreSQL keeps a generic plan and prunes the
      // daily partitions at run time to the user's span, instead of planning a query over every partition.
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
        values: [userId, span.start, span.end, limit],
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
      const span = await userSpan(pool, userId, new Date(cutoff.getTime() - lookbackDays * DAY), cutoff);
      if (span === 'none') return undefined;
      const { rows } = await pool.query<Row>({
        name: 'behaviour-user-activity',
        text: USER_ACTIVITY_SQL,
        values: [span.start, cutoff, cutoff, userId],
      });
      return rows[0] === undefined ? undefined : toActivity(rows[0]);
    },
  };
}

/**
 * [start, end) narrowed to the user's span (user_spans: their first and last stored event), 'none' when
 * they have no event in it. A user missing from user_spans keeps the whole range. Dates hold milliseconds
 * and timestamps microseconds: the first event's time rounds down and the end is a millisecond past the
 * last event, so both bounds stay inclusive of the user's events.
 */
async function userSpan(
  pool: Pool,
  userId: string,
  start: Date,
  end: Date,
): Promise<{ start: Date; end: Date } | 'none'> {
  const { rows } = await pool.query<{ first_ts: Date; last_ts: Date }>({
    name: 'behaviour-user-span',
    text: 'SELECT first_ts, last_ts FROM user_spans WHERE u = $1',
    values: [userId],
  });
  const span = rows[0];
  if (span === undefined) return { start, end };
  const from = new Date(Math.max(start.getTime(), span.first_ts.getTime()));
  const to = new Date(Math.min(end.getTime(), span.last_ts.getTime() + 1));
  return from < to ? { start: from, end: to } : 'none';
}
