import type { Pool } from 'pg';
import { EVENT_COLUMNS, type EventColumn } from './event-columns.js';

/** How a stored column is exported: its value type in a StreamedRow. */
export type ColumnKind = 'string' | 'timestamp' | 'number' | 'boolean' | 'json';

/**
 * The kind of every events column. Timestamps come as Unix epoch milliseconds (events carry millisecond
 * times), NUMERIC money as numbers, JSONB as its JSON text (not parsed: exports write it as it is).
 */
export const EVENT_COLUMN_KINDS: Readonly<Record<EventColumn, ColumnKind>> = {
  event_id: 'string',
  event_type: 'string',
  user_id: 'string',
  anonymous_id: 'string',
  session_id: 'string',
  ts: 'timestamp',
  received_at: 'timestamp',
  original_ts: 'timestamp',
  sent_at: 'timestamp',
  historical: 'boolean',
  properties: 'json',
  page_url: 'string',
  page_path: 'string',
  page_title: 'string',
  referrer: 'string',
  referrer_domain: 'string',
  utm_source: 'string',
  utm_medium: 'string',
  utm_campaign: 'string',
  utm_term: 'string',
  utm_content: 'string',
  locale: 'string',
  timezone: 'string',
  device_type: 'string',
  browser: 'string',
  browser_version: 'string',
  os: 'string',
  os_version: 'string',
  is_bot: 'boolean',
  country: 'string',
  region: 'string',
  channel: 'string',
  order_id: 'string',
  cart_id: 'string',
  coupon: 'string',
  revenue: 'number',
  currency: 'string',
  shipping: 'number',
  tax: 'number',
  items: 'json',
};

/** One event as exported, in EVENT_COLUMNS order; null where the store holds NULL. */
export type StreamedRow = (string | number | boolean | null)[];

export interface EventStreamOptions {
  /** Inclusive start of the event-time range. */
  readonly start: Date;
  /** Exclusive end. */
  readonly end: Date;
  /** Rows per FETCH, and per yielded batch (default 10,000). */
  readonly batchSize?: number;
}

// Every column arrives as PostgreSQL's text and is converted here, once, to its export kind: pg's default
// parsers would build Dates and parse JSONB only for the exporters to turn them back into text.
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

const convert: Record<ColumnKind, (v: string) => string | number | boolean> = {
  string: (v) => v,
  json: (v) => v,
  number: Number,
  boolean: (v) => v === 't',
  // The session runs in UTC, so values look like '2025-11-03 10:05:00.123+00'.
  timestamp: (v) => Date.parse(`${v}:00`),
};
const converters = EVENT_COLUMNS.map((c) => convert[EVENT_COLUMN_KINDS[c]]);

/**
 * Streams the stored events with `start <= ts < end` in batches, through a server-side cursor in a
 * read-only transaction, so memory holds at most two batches whatever the range's size. The next batch
 * is fetched while the caller handles the current one. Rows come partition by partition (UTC day by day),
 * not sorted within a day. Breaking out of the loop closes the cursor and releases the connection.
 */
export async function* streamEvents(pool: Pool, opts: EventStreamOptions): AsyncGenerator<StreamedRow[]> {
  const size = opts.batchSize ?? 10_000;
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    // DECLARE takes no bind parameters; the bounds are ISO strings of Dates, never caller text.
    await client.query(
      `DECLARE export_events NO SCROLL CURSOR FOR
         SELECT ${EVENT_COLUMNS.join(', ')} FROM events
          WHERE ts >= '${opts.start.toISOString()}' AND ts < '${opts.end.toISOString()}'`,
    );
    const fetch = () => {
      const p = client.query<(string | null)[]>({
        text: `FETCH FORWARD ${size} FROM export_events`,
        rowMode: 'array',
        types: RAW_TEXT,
      });
      // Awaited below unless the consumer stops first; then its failure is of no interest.
      p.catch(() => undefined);
      return p;
    };
    let next = fetch();
    for (;;) {
      const { rows } = await next;
      if (rows.length === 0) break;
      next = fetch();
      yield rows.map(toRow);
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    // A consumer that stopped early (or failed) leaves a pending FETCH and an open transaction.
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

function toRow(raw: (string | null)[]): StreamedRow {
  const out: StreamedRow = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    out[i] =
      v === null || v === undefined ? null : (converters[i] as (v: string) => string | number | boolean)(v);
  }
  return out;
}
