import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema } from '@broxiva/contracts';
import { pgPool } from '@broxiva/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventWriter, createPartitionManager, EVENT_COLUMNS, streamEvents } from './index.js';
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
          i % 5 === 0 ? { orderId: `o${i}`, revenue: { amount: i + 0.5, currency: 'EUR' } } : undefined,
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
    expect(tenth?.[col('revenue')]).toBe(10.5);
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
