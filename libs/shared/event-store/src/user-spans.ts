import { USER_KEY_SQL } from './event-columns.js';

/**
 * `user_spans`: per user (`coalesce(user_id, anonymous_id)`), the times of their first and last stored
 * event, bots included. A single user's reads (a journey, their recent activity) cost one index probe per
 * daily partition of their range; bounded to the user's own span they touch a few partitions instead of
 * every day ever kept (365 at a year's retention).
 *
 * The event writer keeps it in the statement that stores the events (`userSpansSql`), from the events it
 * newly stored, so a batch written twice changes nothing. Dropping old partitions leaves first_ts earlier
 * than the oldest event kept, which is still a correct bound.
 */

const USER = USER_KEY_SQL;

export const USER_SPANS_DDL = `CREATE TABLE IF NOT EXISTS user_spans (
     u text COLLATE "C" PRIMARY KEY,
     first_ts timestamptz NOT NULL,
     last_ts timestamptz NOT NULL)`;

/**
 * Widens the spans of the users of `source` (a relation with ts, user_id and anonymous_id) to cover its
 * rows. Rows are upserted in user order so concurrent writers lock them in one order.
 */
function upsertSpansSql(source: string): string {
  return `INSERT INTO user_spans AS t (u, first_ts, last_ts)
    SELECT ${USER}, min(ts), max(ts) FROM ${source} WHERE ${USER} IS NOT NULL GROUP BY 1 ORDER BY 1
    ON CONFLICT (u) DO UPDATE SET first_ts = least(t.first_ts, excluded.first_ts),
                                  last_ts = greatest(t.last_ts, excluded.last_ts)
     WHERE excluded.first_ts < t.first_ts OR excluded.last_ts > t.last_ts`;
}

/** Fills the table from the stored events (for the migration). */
export const FILL_USER_SPANS_SQL = upsertSpansSql('events');

/** A CTE for the event writer's statement (starts with a comma): the spans of the users of `stored`. */
export function userSpansSql(stored: string): string {
  return `,
  spans AS (${upsertSpansSql(stored)})`;
}
