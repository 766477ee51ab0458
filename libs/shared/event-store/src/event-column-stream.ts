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
 * per-value strings on either side. Rows come partition by partition (UTC day by day), not sorted within
 * a day. Breaking out of the loop ends the COPY by closing its connection.
 */
export async function* streamEventColumns(
  pool: Pool,
  opts: EventColumnStreamOptions,
): AsyncGenerator<ColumnBatch> {
  // COPY takes no bind parameters; the bounds are ISO strings of Dates, never caller text.
  const sql = `SELECT ${SELECT} FROM events
                WHERE ts >= '${opts.start.toISOString()}' AND ts < '${opts.end.toISOString()}'`;
  yield* streamCopyColumns(pool, sql, TYPES, { batchRows: opts.batchRows ?? 65_536 });
}

export interface CopyColumnsOptions {
  /** Rows per yielded batch. */
  readonly batchRows: number;
  /**
   * Statements run first, in a read-only transaction the COPY then runs in (e.g. `SET LOCAL work_mem`).
   * Without them the COPY runs on its own.
   */
  readonly settings?: readonly string[];
}

/**
 * Streams the rows of `select` (a SELECT whose columns have the given wire types, in order) as column
 * batches, read with one binary `COPY (…) TO STDOUT`. The socket is read only as fast as batches are
 * consumed, so memory holds a batch being filled plus the one the caller holds. Breaking out of the loop
 * ends the COPY by closing its connection. COPY takes no bind parameters: `select` must not hold caller
 * text.
 */
export async function* streamCopyColumns(
  pool: Pool,
  select: string,
  types: readonly CopyWireType[],
  opts: CopyColumnsOptions,
): AsyncGenerator<ColumnBatch> {
  const decoder = createCopyBinaryDecoder(types, opts.batchRows);
  const client = await pool.connect();
  const settings = opts.settings ?? [];
  let finished = false;
  let stream: ReturnType<typeof copyTo> | undefined;
  try {
    if (settings.length > 0) {
      await client.query('BEGIN READ ONLY');
      for (const s of settings) await client.query(s);
    }
    stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) yield* decoder.push(chunk as Buffer);
    const last = decoder.end();
    if (last !== undefined) yield last;
    if (settings.length > 0) await client.query('COMMIT');
    finished = true;
  } finally {
    // A COPY abandoned midway leaves the connection mid-protocol (or in a transaction): it is closed, not
    // returned to the pool.
    if (!finished) stream?.destroy();
    client.release(!finished);
  }
}
