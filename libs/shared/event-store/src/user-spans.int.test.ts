import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventWriter, createPartitionManager } from './index.js';
import { testEventId, withEventStoreDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
});
afterAll(async () => {
  await db.drop();
});

const id = testEventId;
interface Spec {
  n: number;
  iso: string;
  user?: string;
  anon?: string;
  bot?: boolean;
}
const toEvent = (s: Spec) =>
  create(EventSchema, {
    eventId: id(s.n),
    eventType: 'page_view',
    userId: s.user ?? '',
    anonymousId: s.anon ?? '',
    timestamp: timestampFromDate(new Date(s.iso)),
    receivedAt: timestampFromDate(new Date(s.iso)),
    enrichment: { isBot: s.bot ?? false },
  });

describe('user_spans', () => {
  it("holds each user's first and last event, bots included, across batches, replays and late events", async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const batches: Spec[][] = [
      [
        { n: 1, iso: '2025-03-10T10:00:00.123Z', user: 'ana' },
        { n: 2, iso: '2025-03-12T08:00:00Z', user: 'ana' },
        { n: 3, iso: '2025-03-11T09:00:00Z', anon: 'anon-1' },
        { n: 4, iso: '2025-03-11T09:30:00Z', user: 'crawler', bot: true },
      ],
      // A replay of the first batch, a late event of ana's (earlier than her first) from a bot agent, a
      // later one, and an event with neither id.
      [
        { n: 1, iso: '2025-03-10T10:00:00.123Z', user: 'ana' },
        { n: 5, iso: '2025-03-01T00:00:00Z', user: 'ana', bot: true },
        { n: 6, iso: '2025-03-20T23:59:59.999Z', user: 'ana' },
        { n: 7, iso: '2025-03-15T12:00:00Z' },
      ],
      [{ n: 8, iso: '2025-03-13T00:00:00Z', anon: 'anon-1' }],
    ];
    for (const b of batches) await write(b.map(toEvent));

    // Reference: distinct events by id, grouped by user_id else anonymous_id.
    const byId = new Map(batches.flat().map((s) => [s.n, s]));
    const want = new Map<string, { first: number; last: number }>();
    for (const s of byId.values()) {
      const u = s.user ?? s.anon;
      if (u === undefined) continue;
      const t = Date.parse(s.iso);
      const w = want.get(u) ?? { first: t, last: t };
      want.set(u, { first: Math.min(w.first, t), last: Math.max(w.last, t) });
    }
    const { rows } = await db.pool.query<{ u: string; first_ts: Date; last_ts: Date }>(
      'SELECT u, first_ts, last_ts FROM user_spans ORDER BY u',
    );
    expect(rows.map((r) => [r.u, r.first_ts.getTime(), r.last_ts.getTime()])).toEqual(
      [...want.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, w]) => [u, w.first, w.last]),
    );
    expect(want.get('ana')).toEqual({
      first: Date.parse('2025-03-01T00:00:00Z'),
      last: Date.parse('2025-03-20T23:59:59.999Z'),
    });
  });
});
