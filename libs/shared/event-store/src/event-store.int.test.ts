import { create, toJson, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type Event } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventReader, createEventWriter, createPartitionManager } from './index.js';
import { testEventId, withEventStoreDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
});
afterAll(async () => {
  await db.drop();
});

const id = testEventId;
const event = (n: number, iso: string, overrides: MessageInitShape<typeof EventSchema> = {}): Event =>
  create(EventSchema, {
    eventId: id(n),
    eventType: 'page_view',
    userId: `user_${n % 3}`,
    sessionId: `sess_${n}`,
    timestamp: timestampFromDate(new Date(iso)),
    receivedAt: timestampFromDate(new Date(iso)),
    properties: { page: '/a\tb\nc\\d', n },
    ...overrides,
  });

const count = async (sql = 'SELECT count(*)::int AS n FROM events') =>
  (await db.pool.query<{ n: number }>(sql)).rows[0]?.n;

describe('event store', () => {
  it('stores each event once across duplicates in a batch, redeliveries and resends', async () => {
    const partitions = createPartitionManager(db.pool);
    const write = createEventWriter({ pool: db.pool, partitions });
    const batch = [
      event(1, '2025-12-01T10:00:00Z'),
      event(2, '2025-12-02T10:00:00Z'),
      event(1, '2025-12-01T10:00:00Z'),
    ];
    expect(await write(batch)).toEqual({ inserted: 2, duplicates: 1 });
    // The consumer died before acking: the same batch comes again.
    expect(await write(batch)).toEqual({ inserted: 0, duplicates: 3 });
    // A resend after the dedup window, its time corrected differently: still not stored twice.
    expect(await write([event(2, '2025-12-02T10:00:05Z'), event(3, '2025-12-02T11:00:00Z')])).toEqual({
      inserted: 1,
      duplicates: 1,
    });
    expect(await count()).toBe(3);
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT tableoid::regclass::text AS name FROM events ORDER BY ts`,
    );
    expect(rows.map((r) => r.name)).toEqual(['events_p20251201', 'events_p20251202', 'events_p20251202']);
  });

  it('reads an event back with every field, and nothing for an unknown id', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const purchase = event(10, '2025-12-03T09:30:00Z', {
      eventType: 'purchase',
      originalTimestamp: timestampFromDate(new Date('2025-12-05T09:30:00Z')),
      historical: true,
      context: {
        pagePath: '/checkout/done',
        referrer: 'https://www.google.com/',
        utm: { source: 'google', medium: 'cpc' },
      },
      commerce: {
        orderId: 'o-10',
        revenue: { amount: 129.9, currency: 'EUR' },
        items: [
          {
            productId: 'p-1',
            category: 'electronics',
            price: { amount: 64.95, currency: 'EUR' },
            quantity: 2,
          },
        ],
      },
      enrichment: {
        deviceType: 'mobile',
        browser: 'Mobile Safari',
        os: 'iOS',
        isBot: false,
        country: 'DE',
        channel: 'paid',
      },
    });
    await write([purchase]);
    const read = createEventReader(db.pool);
    const got = await read(id(10));
    expect(got && toJson(EventSchema, got)).toEqual(toJson(EventSchema, purchase));
    expect(await read(id(999))).toBeUndefined();
  });

  it('drops partitions older than the retention cutoff, and their ids', async () => {
    const partitions = createPartitionManager(db.pool);
    const write = createEventWriter({ pool: db.pool, partitions });
    await write([event(20, '2025-06-01T12:00:00Z'), event(21, '2025-06-02T12:00:00Z')]);
    const dropped = await partitions.dropBefore(new Date('2025-06-02T00:00:00Z'));
    expect(dropped).toEqual(['events_p20250601']);
    expect(await count(`SELECT count(*)::int AS n FROM event_ids WHERE event_id = '${id(20)}'`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE event_id = '${id(21)}'`)).toBe(1);
  });

  it('hands the UTC hours of newly stored events to beforeCommit, and rolls back when it fails', async () => {
    const partitions = createPartitionManager(db.pool);
    const seen: string[][] = [];
    const write = createEventWriter({
      pool: db.pool,
      partitions,
      beforeCommit: async (client, hours) => {
        await client.query('SELECT 1');
        seen.push(hours.map((h) => h.toISOString()));
      },
    });
    const batch = [
      event(30, '2025-12-06T10:15:00Z'),
      event(31, '2025-12-06T10:45:00Z'),
      event(32, '2025-12-06T12:00:00Z'),
    ];
    expect(await write(batch)).toEqual({ inserted: 3, duplicates: 0 });
    // Nothing new: no hook call.
    expect(await write(batch)).toEqual({ inserted: 0, duplicates: 3 });
    expect(seen).toEqual([['2025-12-06T10:00:00.000Z', '2025-12-06T12:00:00.000Z']]);

    const failing = createEventWriter({
      pool: db.pool,
      partitions,
      beforeCommit: async () => {
        throw new Error('hook failed');
      },
    });
    await expect(failing([event(33, '2025-12-06T13:00:00Z')])).rejects.toThrow('hook failed');
    expect(await count(`SELECT count(*)::int AS n FROM event_ids WHERE event_id = '${id(33)}'`)).toBe(0);
  });
});
