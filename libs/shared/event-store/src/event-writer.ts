import { copyRows, copyTextRow } from '@broxiva/db';
import type { Event } from '@broxiva/contracts';
import type { Pool, PoolClient } from 'pg';
import { EVENT_COLUMNS, eventToRow } from './event-columns.js';
import { dayOf, type PartitionManager } from './partitions.js';
import { REFRESH_STAGED_USERS_SQL, USER_ACTIVITY_EVENT_COLUMNS, userActivitySql } from './user-activity.js';
import { userSpansSql } from './user-spans.js';

export interface WriteResult {
  /** Events newly stored. */
  readonly inserted: number;
  /** Events already stored (a redelivery or a resend): skipped. */
  readonly duplicates: number;
}

const COLS = EVENT_COLUMNS.join(', ');

/**
 * Writes batches of events idempotently at COPY speed: COPY into a per-connection staging table, then one
 * statement claims the ids in `event_ids` (ON CONFLICT DO NOTHING) and inserts only the rows whose id it
 * claimed, all in one transaction. A batch written twice (the consumer died before acking) stores nothing
 * the second time, so at-least-once delivery gives each event exactly once in the store. The same statement
 * adds the newly stored events to the per-user activity tables (user-activity.ts), so they count once too,
 * and widens their users' spans (user-spans.ts).
 */
export interface EventWriterDeps {
  readonly pool: Pool;
  readonly partitions: PartitionManager;
  /**
   * Runs inside the write transaction, before COMMIT, with the UTC hours (bucket starts) of the events newly
   * stored: e.g. marking rollup buckets dirty atomically with the events. Not called when nothing was new.
   */
  readonly beforeCommit?: (client: PoolClient, hours: readonly Date[]) => Promise<void>;
}

export function createEventWriter(deps: EventWriterDeps) {
  const staged = new WeakSet<PoolClient>();

  return async function write(events: readonly Event[]): Promise<WriteResult> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const rows = events.map(eventToRow);
    await deps.partitions.ensure(rows.map((r) => dayOf(String(r[5]))));
    const client = await deps.pool.connect();
    try {
      if (!staged.has(client)) {
        await client.query(
          'CREATE TEMP TABLE IF NOT EXISTS events_staging (LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS',
        );
        staged.add(client);
      }
      await client.query('BEGIN');
      await copyRows(client, `COPY events_staging (${COLS}) FROM STDIN`, rows.map(copyTextRow));
      // DISTINCT ON keeps one row per id when a batch holds the same event twice.
      const res = await client.query(`
        WITH fresh AS (
          INSERT INTO event_ids (event_id, ts)
          SELECT DISTINCT ON (event_id) event_id, ts FROM events_staging ORDER BY event_id, received_at
          ON CONFLICT DO NOTHING
          RETURNING event_id, ts),
        stored AS (
        INSERT INTO events (${COLS})
        SELECT DISTINCT ON (s.event_id) ${EVENT_COLUMNS.map((c) => `s.${c}`).join(', ')}
          FROM events_staging s JOIN fresh f ON f.event_id = s.event_id AND f.ts = s.ts
         ORDER BY s.event_id, s.received_at
         RETURNING ${USER_ACTIVITY_EVENT_COLUMNS.join(', ')})${userActivitySql('stored')}${userSpansSql('stored')}
        SELECT count(*)::int AS inserted,
               coalesce(array_agg(DISTINCT to_char(date_trunc('hour', ts AT TIME ZONE 'UTC'),
                 'YYYY-MM-DD"T"HH24":00:00Z"')), '{}') AS hours
          FROM stored`);
      const { inserted, hours } = res.rows[0] as { inserted: number; hours: string[] };
      // The batch's users' day rows see the firsts and days the statement above just stored.
      if (inserted > 0) await client.query(REFRESH_STAGED_USERS_SQL);
      if (inserted > 0 && deps.beforeCommit !== undefined) {
        await deps.beforeCommit(
          client,
          hours.map((h) => new Date(h)),
        );
      }
      await client.query('COMMIT');
      return { inserted, duplicates: events.length - inserted };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
}

export type EventWriter = ReturnType<typeof createEventWriter>;
