import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema } from '@broxiva/contracts';
import { pgPool } from '@broxiva/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createPartitionManager,
  EVENT_COLUMNS,
  streamEventColumns,
  streamEvents,
  type ColumnBatch,
  type StreamedRow,
} from './index.js';
import { withEventStoreDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
const col = (name: (typeof EVENT_COLUMNS)[number]) => EVENT_COLUMNS.indexOf(name);

beforeAll(async () => {
  db = await withEventStoreDatabase();
  const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
  // 25 events, one every hour from 1 December 2025 00:30 UTC (two daily partitions).
  await write(
    Array.from({ length: 25 }, (_, i) =>
      create(EventSchema, {
        eventId: `0190f0c8-0000-7000-9000-${i.toString().padStart(12, '0')}`,
        eventType: i % 5 === 0 ? 'purchase' : 'page_view',
        sessionId: `s${i}`,
        timestamp: timestampFromDate(new Date(Date.UTC(2025, 11, 1, i, 30, 0, 250))),
        receivedAt: timestampFromDate(new Date(Date.UTC(2025, 11, 1, i, 30, 1))),
        properties: { i },
        commerce:
          i % 5 === 0
            ? {
                orderId: `o${i}`,
                revenue: { amount: i + 0.1234, currency: 'EUR' },
                items: [{ productId: `p${i}`, name: 'Tasse « été »', quantity: 2 }],
              }
            : undefined,
        context: { pageTitle: i === 7 ? 'Zürich ✓ "quoted"\ttab\nline' : '' },
        enrichment: { isBot: i === 3 },
      }),
    ),
  );
});
afterAll(async () => {
  await db.drop();
});

describe('streamEvents', () => {
  it('yields the range in bounded batches with typed values', async () => {
    const rows = [];
    const sizes = [];
    for await (const batch of streamEvents(db.pool, {
      start: new Date('2025-12-01T02:00:00Z'),
      end: new Date('2025-12-01T12:30:00.250Z'),
      batchSize: 4,
    })) {
      sizes.push(batch.length);
      rows.push(...batch);
    }
    // 02:30 … 11:30: the event at exactly the end is left out.
    expect(rows).toHaveLength(10);
    expect(sizes).toEqual([4, 4, 2]);
    const tenth = rows.find((r) => r[col('session_id')] === 's10');
    expect(tenth?.[col('ts')]).toBe(Date.UTC(2025, 11, 1, 10, 30, 0, 250));
    expect(tenth?.[col('revenue')]).toBe(10.1234);
    expect(tenth?.[col('event_type')]).toBe('purchase');
    expect(tenth?.[col('properties')]).toBe('{"i": 10}');
    expect(rows.find((r) => r[col('session_id')] === 's3')?.[col('is_bot')]).toBe(true);
    expect(tenth?.[col('sent_at')]).toBeNull();
  });

  it('releases its connection when the consumer stops early', async () => {
    const pool = pgPool(db.url, { max: 1 });
    for await (const batch of streamEvents(pool, {
      start: new Date('2025-12-01T00:00:00Z'),
      end: new Date('2025-12-03T00:00:00Z'),
      batchSize: 2,
    })) {
      expect(batch).toHaveLength(2);
      break;
    }
    // The only connection is free again and out of the read-only transaction.
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]?.n).toBe(25);
    await pool.query('CREATE TEMP TABLE written (x int)');
    await pool.end();
  });
});

/** Column batches as rows of the row stream's values, to compare the two streams value by value. */
function asRows(batches: ColumnBatch[]): StreamedRow[] {
  const text = new TextDecoder();
  return batches.flatMap((b) =>
    Array.from({ length: b.rows }, (_, r) =>
      b.columns.map((v) => {
        if (((v.validity[r >> 3] as number) & (1 << (r & 7))) === 0) return null;
        if (v.type === 'utf8') return text.decode(v.bytes.subarray(v.offsets[r], v.offsets[r + 1]));
        if (v.type === 'bool') return ((v.values[r >> 3] as number) & (1 << (r & 7))) !== 0;
        return v.values[r] as number;
      }),
    ),
  );
}

describe('streamEventColumns', () => {
  it('yields the same values as the row stream, in batches of the given size', async () => {
    const range = { start: new Date('2025-12-01T02:00:00Z'), end: new Date('2025-12-02T00:30:00.250Z') };
    const batches: ColumnBatch[] = [];
    for await (const b of streamEventColumns(db.pool, { ...range, batchRows: 4 })) batches.push(b);
    // 02:30 … 00:30 the next day, over two partitions; the event at exactly the end is left out.
    expect(batches.map((b) => b.rows)).toEqual([4, 4, 4, 4, 4, 2]);
    const rows: StreamedRow[] = [];
    for await (const b of streamEvents(db.pool, range)) rows.push(...b);
    const byId = (a: StreamedRow, b: StreamedRow) => String(a[0]).localeCompare(String(b[0]));
    expect(asRows(batches).sort(byId)).toEqual(rows.sort(byId));
    const seventh = asRows(batches).find((r) => r[col('session_id')] === 's7');
    expect(seventh?.[col('page_title')]).toBe('Zürich ✓ "quoted"\ttab\nline');
    expect(seventh?.[col('event_id')]).toBe('0190f0c8-0000-7000-9000-000000000007');
    expect(seventh?.[col('ts')]).toBe(Date.UTC(2025, 11, 1, 7, 30, 0, 250));
  });

  it('closes the connection of a COPY the consumer leaves midway', async () => {
    const pool = pgPool(db.url, { max: 1 });
    for await (const batch of streamEventColumns(pool, {
      start: new Date('2025-12-01T00:00:00Z'),
      end: new Date('2025-12-03T00:00:00Z'),
      batchRows: 2,
    })) {
      expect(batch.rows).toBe(2);
      break;
    }
    // The pool's only connection was dropped, not returned mid-COPY: a new one answers.
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]?.n).toBe(25);
    await pool.end();
  });

  it('fails with the server error and frees its connection when the query fails', async () => {
    // A search path without the events table: the COPY fails on the server.
    const pool = pgPool(`${db.url}?options=-c%20search_path%3Dpg_catalog`, { max: 1 });
    const run = async () => {
      for await (const _ of streamEventColumns(pool, { start: new Date(0), end: new Date() })) {
        // no rows expected
      }
    };
    await expect(run()).rejects.toThrow('relation "events" does not exist');
    await expect(run()).rejects.toThrow('relation "events" does not exist');
    // An invalid bound fails before a connection is taken.
    const invalid = streamEventColumns(pool, { start: new Date(Number.NaN), end: new Date() });
    await expect(invalid.next()).rejects.toThrow(RangeError);
    expect(pool.idleCount + pool.waitingCount).toBeLessThanOrEqual(1);
    await pool.end();
  });
});
