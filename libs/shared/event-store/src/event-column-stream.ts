import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createCopyBinaryDecoder, type ColumnBatch, type CopyWireType } from './copy-binary.js';
import { EVENT_COLUMNS, type EventColumn } from './event-columns.js';
import { EVENT_COLUMN_KINDS } from './event-stream.js';

export interface EventColumnStreamOptions {
  /** Inclusive start of the event-time range. */
  readonly start: Date;
  /** Exclusive end. */
  readonly end: Date;
  /** Rows per yielded batch (default 65,536). */
  readonly batchRows?: number;
}

/**
 * How each column travels: the wire type the binary COPY sends and the SELECT expression that yields it.
 * NUMERIC money is cast to float8 and JSONB to its text by the server (the same values the row stream
 * gives); the uuid comes as its 16 bytes and is written out as text here, which costs the server less.
 */
const WIRE: Readonly<Record<EventColumn, CopyWireType>> = Object.fromEntries(
  EVENT_COLUMNS.map((c): [EventColumn, CopyWireType] => {
    if (c === 'event_id') return [c, 'uuid'];
    const kind = EVENT_COLUMN_KINDS[c];
    return [
      c,
      kind === 'timestamp'
        ? 'timestamptz'
        : kind === 'number'
          ? 'float8'
          : kind === 'boolean'
            ? 'bool'
            : 'text',
    ];
  }),
) as Record<EventColumn, CopyWireType>;
const SELECT = EVENT_COLUMNS.map((c) => {
  const kind = EVENT_COLUMN_KINDS[c];
  return kind === 'number' ? `${c}::float8` : kind === 'json' ? `${c}::text` : c;
}).join(', ');
const TYPES = EVENT_COLUMNS.map((c) => WIRE[c]);

/**
 * Streams the stored events with `start <= ts < end` as column batches (EVENT_COLUMNS order; timestamps
 * as epoch milliseconds, money as float64, JSON and text as UTF-8 bytes), read with one binary
 * `COPY (SELECT …) TO STDOUT`: a single statement, so one consistent snapshot, and no row objects or
 * per-value strings on either side. The socket is read only as fast as batches are consumed, so memory
 * holds a batch being filled plus the one the caller holds. Rows come partition by partition (UTC day by
 * day), not sorted within a day. Breaking out of the loop ends the COPY by closing its connection.
 */
export async function* streamEventColumns(
  pool: Pool,
  opts: EventColumnStreamOptions,
): AsyncGenerator<ColumnBatch> {
  const decoder = createCopyBinaryDecoder(TYPES, opts.batchRows ?? 65_536);
  // COPY takes no bind parameters; the bounds are ISO strings of Dates, never caller text.
  const sql = `COPY (SELECT ${SELECT} FROM events
                     WHERE ts >= '${opts.start.toISOString()}' AND ts < '${opts.end.toISOString()}')
                TO STDOUT (FORMAT binary)`;
  const client = await pool.connect();
  let finished = false;
  const stream = client.query(copyTo(sql));
  try {
    for await (const chunk of stream) yield* decoder.push(chunk as Buffer);
    const last = decoder.end();
    if (last !== undefined) yield last;
    finished = true;
  } finally {
    // A COPY abandoned midway leaves the connection mid-protocol: it is closed, not returned to the pool.
    if (!finished) stream.destroy();
    client.release(!finished);
  }
}
