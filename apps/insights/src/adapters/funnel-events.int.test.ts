import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema } from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { seededRandom, type FunnelEvent } from '@broxiva/insights-behaviour';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelEvents } from './funnel-events.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
});
afterAll(async () => {
  await db.drop();
});

const TYPES = ['product_view', 'add_to_cart', 'purchase', 'page_view'];
const START = Date.parse('2025-05-01T00:00:00Z');
const id = (n: number) => `0190f0c8-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

interface Spec {
  n: number;
  user: string;
  anon: boolean;
  type: string;
  t: number;
  bot: boolean;
  channel: string;
}

describe('funnelEvents', () => {
  it('gives every user their events in (time, id) order, in one pass or several, whatever the read order', async () => {
    const rnd = seededRandom(7);
    const specs: Spec[] = [];
    for (let n = 1; n <= 3000; n++) {
      const u = Math.floor(rnd() * 250);
      specs.push({
        n,
        // Ids of varied lengths and bytes; some users known only by their anonymous id.
        user: u % 7 === 0 ? `anon-ü${u}` : `u${u}${'x'.repeat(u % 5)}`,
        anon: u % 7 === 0,
        type: TYPES[Math.floor(rnd() * TYPES.length)]!,
        // Many ties: times on a coarse grid over 10 days, so events of one user share milliseconds.
        t: START + Math.floor(rnd() * 2000) * 432_000,
        bot: rnd() < 0.05,
        channel: ['direct', 'email', ''][n % 3]!,
      });
    }
    // Written in three batches out of time order, the way late events arrive.
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    for (let k = 0; k < 3; k++) {
      await write(
        specs
          .filter((s) => s.n % 3 === k)
          .map((s) =>
            create(EventSchema, {
              eventId: id(s.n),
              eventType: s.type,
              ...(s.anon ? { anonymousId: s.user } : { userId: s.user }),
              timestamp: timestampFromDate(new Date(s.t)),
              receivedAt: timestampFromDate(new Date(s.t)),
              context: { pagePath: `/p/${s.n % 4}` },
              enrichment: { isBot: s.bot, channel: s.channel },
            }),
          ),
      );
    }
    const q = {
      start: new Date(START + 86_400_000),
      end: new Date(START + 9 * 86_400_000),
      eventTypes: ['product_view', 'add_to_cart', 'purchase'],
      properties: ['page_path'],
      breakdown: 'channel',
    };
    // Reference: brute force over the specs.
    const want = new Map<string, FunnelEvent[]>();
    const kept = specs
      .filter(
        (s) => !s.bot && q.eventTypes.includes(s.type) && s.t >= q.start.getTime() && s.t < q.end.getTime(),
      )
      .sort((a, b) => a.t - b.t || (id(a.n) < id(b.n) ? -1 : 1));
    for (const s of kept) {
      const list = want.get(s.user) ?? [];
      list.push({ type: s.type, ts: s.t, dim: s.channel, props: { page_path: `/p/${s.n % 4}` } });
      want.set(s.user, list);
    }
    expect(kept.length).toBeGreaterThan(1500);
    // Passes follow the planner's estimate: with fresh statistics, 700 and 300 rows a pass mean 3 and 6 or more.
    await db.pool.query('ANALYZE events');
    const { rows: plan } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM events WHERE ts >= $1 AND ts < $2 AND NOT is_bot
          AND event_type = ANY($3)`,
      [q.start, q.end, q.eventTypes],
    );
    expect(plan[0]!['QUERY PLAN'][0].Plan['Plan Rows']).toBeGreaterThan(2 * 700);

    for (const rowsPerPass of [1_000_000, 700, 300]) {
      const got = new Map<string, FunnelEvent[]>();
      let calls = 0;
      await funnelEvents(
        db.pool,
        q,
        (events) => {
          calls++;
          // Users are told apart by their events: each call must be exactly one reference user's list.
          const match = [...want.entries()].find(
            ([u, w]) => !got.has(u) && JSON.stringify(w) === JSON.stringify(events),
          );
          expect(match, `a call matching no user (${rowsPerPass} rows a pass)`).toBeDefined();
          got.set(match![0], events);
        },
        rowsPerPass,
      );
      expect(calls).toBe(want.size);
      expect(new Set(got.keys())).toEqual(new Set(want.keys()));
    }
  });
});
