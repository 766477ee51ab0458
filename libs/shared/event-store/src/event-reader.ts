import type { Event } from '@broxiva/contracts';
import type { Pool } from 'pg';
import { EVENT_COLUMNS, rowToEvent } from './event-columns.js';

/**
 * Reads a stored event by id. The id table gives its time, which prunes the scan to one partition.
 * Returns undefined when unknown.
 */
export function createEventReader(pool: Pool) {
  return async function getEvent(eventId: string): Promise<Event | undefined> {
    const { rows } = await pool.query(
      `SELECT ${EVENT_COLUMNS.join(', ')} FROM events
        WHERE event_id = $1 AND ts = (SELECT ts FROM event_ids WHERE event_id = $1)`,
      [eventId],
    );
    const row = rows[0] as Parameters<typeof rowToEvent>[0] | undefined;
    return row === undefined ? undefined : rowToEvent(row);
  };
}
