import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import { EventSchema } from '@broxiva/contracts';
import {
  createEventWriter,
  createPartitionManager,
  ensureUserActivity,
  userActivityZone,
} from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import {
  cohortsFromCells,
  periodIndex,
  seededRandom,
  type CohortCell,
  type PeriodUnit,
} from '@broxiva/insights-behaviour';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cohortCells,
  cohortCellsFromActivity,
  cohortCellsFromEvents,
  type CohortQuery,
} from './adapters/cohort-cells.js';
import { botRows, readClickstream, toEvent } from './testing/clickstream.js';

// The per-user activity tables against the raw events, which behaviour.int.test.ts checks against
// brute-force references: the two paths must give the same cells, whatever the zone, unit, anchor,
// breakdown and range.

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
let write: ReturnType<typeof createEventWriter>;

beforeAll(async () => {
  db = await withEventStoreDatabase();
  write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
  const rows = readClickstream();
  const events = [...rows, ...botRows(rows.length)].map(toEvent);
  // Shuffled batches: most users' later events arrive before their first ones (late events everywhere).
  const rnd = seededRandom(7);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  for (let i = 0; i < events.length; i += 3000) await write(events.slice(i, i + 3000));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

/** Cells with their instants as period numbers, in one order: comparable across the two paths. */
function normalized(cells: CohortCell[], unit: PeriodUnit, zone: string) {
  return cells
    .map((c) => ({ ...c, cohortAt: periodIndex(c.cohortAt, unit, zone), at: periodIndex(c.at, unit, zone) }))
    .sort((a, b) => a.cohortAt - b.cohortAt || (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : 0) || a.at - b.at);
}

async function bothPaths(q: CohortQuery) {
  const client = await db.pool.connect();
  try {
    return {
      activity: normalized(await cohortCellsFromActivity(client, q), q.unit, q.timeZone),
      events: normalized(await cohortCellsFromEvents(client, q), q.unit, q.timeZone),
    };
  } finally {
    client.release();
  }
}

const at = (iso: string) => new Date(iso);

describe('cohort cells from the per-user activity tables', () => {
  it('equal those from the events for every zone, unit, anchor, breakdown and range', async () => {
    const ranges: [Date, Date][] = [
      // Whole local days (what request dates become)...
      [at('2024-01-01T00:00:00Z'), at('2024-07-01T00:00:00Z')],
      // ...and instants inside days: the end day's events then come from the events table.
      [at('2024-02-10T07:13:00Z'), at('2024-05-17T15:45:12.345Z')],
    ];
    let compared = 0;
    for (const timeZone of ['UTC', 'Asia/Kolkata', 'Pacific/Auckland', 'America/New_York']) {
      await ensureUserActivity(db.pool, timeZone);
      expect(await userActivityZone(db.pool)).toBe(timeZone);
      for (const unit of ['day', 'week', 'month'] as const)
        for (const anchor of ['first_event', 'first_purchase'] as const)
          for (const breakdown of [undefined, anchor === 'first_event' ? 'channel' : 'device'])
            for (const [start, end] of ranges) {
              const q: CohortQuery = {
                start,
                end,
                unit,
                anchor,
                timeZone,
                ...(breakdown === undefined ? {} : { breakdown }),
              };
              const { activity, events } = await bothPaths(q);
              expect(activity.length).toBeGreaterThan(0);
              expect(activity, JSON.stringify(q)).toEqual(events);
              compared++;
            }
    }
    expect(compared).toBe(4 * 3 * 2 * 2 * 2);
  }, 120_000);

  it('are read only when kept in the shop zone', async () => {
    await ensureUserActivity(db.pool, 'Asia/Kolkata');
    const q: CohortQuery = {
      start: at('2024-01-01T00:00:00Z'),
      end: at('2024-07-01T00:00:00Z'),
      unit: 'month',
      anchor: 'first_event',
      timeZone: 'Asia/Kolkata',
    };
    const size = (cells: CohortCell[], zone: string) =>
      cohortsFromCells(cells, {
        ...q,
        start: q.start.getTime(),
        end: q.end.getTime(),
        metric: 'retention',
        timeZone: zone,
      }).reduce((n, r) => n + r.size, 0);
    const kolkata = size(await cohortCells(db.pool, q), 'Asia/Kolkata');
    const berlin = size(await cohortCells(db.pool, { ...q, timeZone: 'Europe/Berlin' }), 'Europe/Berlin');
    // Tampering with the tables shows which source each zone reads: Kolkata's tables, Berlin's events.
    await db.pool.query(
      `DELETE FROM user_activity_days WHERE u = (SELECT min(u) FROM user_firsts WHERE first_ts >= '2024-02-01')`,
    );
    expect(size(await cohortCells(db.pool, q), 'Asia/Kolkata')).toBe(kolkata - 1);
    expect(size(await cohortCells(db.pool, { ...q, timeZone: 'Europe/Berlin' }), 'Europe/Berlin')).toBe(
      berlin,
    );
    // A rebuild (here: to another zone and back) restores them.
    await ensureUserActivity(db.pool, 'UTC');
    await ensureUserActivity(db.pool, 'Asia/Kolkata');
    expect(size(await cohortCells(db.pool, q), 'Asia/Kolkata')).toBe(kolkata);
  });

  it('follow a late event that moves a user to an earlier cohort and adds an order', async () => {
    await ensureUserActivity(db.pool, 'UTC');
    const q: CohortQuery = {
      start: at('2024-01-01T00:00:00Z'),
      end: at('2024-07-01T00:00:00Z'),
      unit: 'month',
      anchor: 'first_event',
      breakdown: 'channel',
      timeZone: 'UTC',
    };
    const opts = { unit: 'month', start: q.start.getTime(), end: q.end.getTime(), timeZone: 'UTC' } as const;
    const before = (await bothPaths(q)).activity;
    // A user first seen in March 2024 (the earliest such user id), seen again late in January.
    const { rows } = await db.pool.query<{ u: string }>(
      `SELECT u FROM user_firsts WHERE first_ts >= '2024-03-01' AND first_ts < '2024-04-01' ORDER BY u LIMIT 1`,
    );
    const user = rows[0]!.u;
    const late = create(EventSchema, {
      eventId: '00000000-0000-4000-9000-000000000001',
      eventType: 'purchase',
      userId: user,
      sessionId: 'late-session',
      timestamp: timestampFromDate(at('2024-01-20T10:00:00Z')),
      receivedAt: timestampFromDate(at('2024-06-30T10:00:00Z')),
      enrichment: { channel: 'late_channel', deviceType: 'desktop' },
      commerce: { orderId: 'late-order', revenue: { amount: 42.5, currency: 'EUR' } },
    });
    expect(await write([late])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await write([late])).toEqual({ inserted: 0, duplicates: 1 });

    const { activity, events } = await bothPaths(q);
    expect(activity).toEqual(events);
    expect(activity).not.toEqual(before);
    const rowsAfter = cohortsFromCells(activity.map(denormalized), { ...opts, metric: 'orders' });
    const moved = rowsAfter.find((r) => r.dim === 'late_channel');
    // A January cohort of one, with one order in January and activity in March (their former first month).
    expect(moved?.cohortStart).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(moved?.size).toBe(1);
    expect(moved?.values[0]).toBe(1);
    const retention = cohortsFromCells(activity.map(denormalized), { ...opts, metric: 'retention' });
    expect(retention.find((r) => r.dim === 'late_channel')?.values[2]).toBe(1);
    const sizeOf = (cells: typeof activity, month: number) =>
      cohortsFromCells(cells.map(denormalized), { ...opts, metric: 'retention' })
        .filter((r) => new Date(r.cohortStart).getUTCMonth() === month)
        .reduce((n, r) => n + r.size, 0);
    expect(sizeOf(activity, 2)).toBe(sizeOf(before, 2) - 1);
  });
});

/** Back from month numbers (periodIndex) to an instant inside the month, for cohortsFromCells. */
function denormalized(c: CohortCell): CohortCell {
  const month = (k: number) => Date.UTC(1970, k, 15);
  return { ...c, cohortAt: month(c.cohortAt), at: month(c.at) };
}
