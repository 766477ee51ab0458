import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type Event } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventWriter, createPartitionManager, ensureUserActivity, userActivityZone } from './index.js';
import { testEventId, withEventStoreDatabase } from './testing.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** What a test event is made of; the reference below reads only these. */
interface Spec {
  n: number;
  iso: string;
  user?: string;
  anon?: string;
  type?: string;
  revenue?: number;
  bot?: boolean;
  channel?: string;
  country?: string;
}
const id = testEventId;
const toEvent = (s: Spec): Event =>
  create(EventSchema, {
    eventId: id(s.n),
    eventType: s.type ?? 'page_view',
    userId: s.user ?? '',
    anonymousId: s.anon ?? '',
    sessionId: `sess_${s.n}`,
    timestamp: timestampFromDate(new Date(s.iso)),
    receivedAt: timestampFromDate(new Date(s.iso)),
    ...(s.revenue === undefined ? {} : { commerce: { revenue: { amount: s.revenue, currency: 'EUR' } } }),
    enrichment: { isBot: s.bot ?? false, channel: s.channel ?? '', country: s.country ?? '' },
  });

// ---- reference: the tables computed here from the specs, independently of the SQL ----

const localDate = (t: number, zone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(t));

function reference(specs: Spec[], zone: string) {
  const seen = new Set<number>();
  const kept = specs.filter((s) => {
    if (seen.has(s.n)) return false;
    seen.add(s.n);
    return !s.bot && (s.user ?? s.anon ?? '') !== '';
  });
  const user = (s: Spec) => (s.user !== undefined && s.user !== '' ? s.user : s.anon!);
  const order = (a: Spec, b: Spec) => Date.parse(a.iso) - Date.parse(b.iso) || (id(a.n) < id(b.n) ? -1 : 1);
  const days = new Map<string, { events: number; orders: number; revenue: number }>();
  const byUser = new Map<string, Spec[]>();
  for (const s of kept) {
    const key = `${user(s)} ${localDate(Date.parse(s.iso), zone)}`;
    const d = days.get(key) ?? { events: 0, orders: 0, revenue: 0 };
    days.set(key, d);
    d.events++;
    if (s.type === 'purchase') {
      d.orders++;
      d.revenue += s.revenue ?? 0;
    }
    byUser.set(user(s), [...(byUser.get(user(s)) ?? []), s]);
  }
  // Each day row: the user's first event's time, and whether it is their first day in its ISO week / month.
  const isoWeek = (day: string) => Math.floor((Date.parse(day) / 86_400_000 + 3) / 7);
  const rows = Object.fromEntries(
    [...days].map(([key, d]) => {
      const [u, day] = key.split(' ') as [string, string];
      const mine = [...days.keys()].filter((k) => k.startsWith(`${u} `)).map((k) => k.split(' ')[1]!);
      const firstTs = [...byUser.get(u)!].sort(order)[0]!.iso;
      return [
        key,
        {
          ...d,
          firstTs,
          newWeek: !mine.some((o) => o < day && isoWeek(o) === isoWeek(day)),
          newMonth: !mine.some((o) => o < day && o.slice(0, 7) === day.slice(0, 7)),
        },
      ];
    }),
  );
  const firsts = new Map<string, unknown>();
  for (const [u, list] of byUser) {
    const sorted = [...list].sort(order);
    const buys = sorted.filter((s) => s.type === 'purchase');
    const at = (s: Spec | undefined) =>
      s === undefined ? null : { id: id(s.n), ts: s.iso, day: localDate(Date.parse(s.iso), zone) };
    firsts.set(u, {
      first: at(sorted[0]),
      firstChannel: sorted[0]!.channel ?? null,
      p1: at(buys[0]),
      p1Country: buys[0] === undefined ? null : (buys[0].country ?? null),
      p2: at(buys[1]),
    });
  }
  return {
    days: Object.fromEntries(Object.entries(rows).sort(([a], [b]) => (a < b ? -1 : 1))),
    firsts: Object.fromEntries([...firsts].sort()),
  };
}

async function stored() {
  const { rows: d } = await db.pool.query<{
    u: string;
    day: string;
    events: number;
    orders: number;
    revenue: string;
    first_ts: Date;
    new_week: boolean;
    new_month: boolean;
  }>(
    `SELECT u, day::text AS day, events, orders, revenue::text AS revenue, first_ts, new_week, new_month
       FROM user_activity_days`,
  );
  const { rows: f } = await db.pool.query<Record<string, string | null>>(
    `SELECT u, first_id::text AS first_id, first_ts, first_day::text AS first_day, f_channel,
            p1_id::text AS p1_id, p1_ts, p1_day::text AS p1_day, p_country,
            p2_id::text AS p2_id, p2_ts, p2_day::text AS p2_day FROM user_firsts`,
  );
  const at = (r: Record<string, unknown>, p: string) =>
    r[`${p}_id`] === null
      ? null
      : { id: r[`${p}_id`], ts: (r[`${p}_ts`] as unknown as Date).toISOString(), day: r[`${p}_day`] };
  return {
    days: Object.fromEntries(
      d
        .map(
          (r) =>
            [
              `${r.u} ${r.day}`,
              {
                events: r.events,
                orders: r.orders,
                revenue: Number(r.revenue),
                firstTs: r.first_ts.toISOString(),
                newWeek: r.new_week,
                newMonth: r.new_month,
              },
            ] as const,
        )
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    firsts: Object.fromEntries(
      f
        .map(
          (r) =>
            [
              r.u!,
              {
                first: at(r, 'first'),
                firstChannel: r.f_channel,
                p1: at(r, 'p1'),
                p1Country: r.p_country,
                p2: at(r, 'p2'),
              },
            ] as const,
        )
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  };
}

const iso = (day: string, time: string) => new Date(`${day}T${time}Z`).toISOString();

// Three users over a few days around midnight UTC (18:45Z is past midnight in Asia/Kolkata, +05:30).
const first: Spec[] = [
  { n: 1, iso: iso('2025-03-01', '10:00:00'), user: 'ann', channel: 'email' },
  { n: 2, iso: iso('2025-03-01', '18:45:00'), user: 'ann', type: 'purchase', revenue: 10.5, country: 'DE' },
  { n: 3, iso: iso('2025-03-02', '09:00:00'), user: 'ann', type: 'purchase', revenue: 4.25, country: 'FR' },
  { n: 4, iso: iso('2025-03-01', '12:00:00'), anon: 'anon-bob', channel: 'paid' },
  { n: 5, iso: iso('2025-03-01', '12:00:00'), anon: 'anon-bob', channel: 'social' },
  { n: 6, iso: iso('2025-03-01', '13:00:00'), user: 'cy', bot: true, type: 'purchase', revenue: 99 },
  { n: 7, iso: iso('2025-03-03', '23:59:59'), user: 'cy', channel: 'direct' },
  { n: 8, iso: iso('2025-03-01', '01:00:00') }, // no user at all: not counted
];

describe('per-user activity tables', () => {
  it('are kept by the writer: each event once, late events moving firsts and purchases', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    expect(await userActivityZone(db.pool)).toBe('UTC');
    // Two batches, the second repeating part of the first (a redelivery).
    await write(first.slice(0, 5).map(toEvent));
    await write(first.slice(3).map(toEvent));
    expect(await stored()).toEqual(reference(first, 'UTC'));

    // Late events: ann's earlier first visit and a purchase between her two; cy's first purchase.
    const late: Spec[] = [
      { n: 9, iso: iso('2025-02-27', '08:00:00'), user: 'ann', channel: 'organic' },
      { n: 10, iso: iso('2025-03-01', '20:00:00'), user: 'ann', type: 'purchase', revenue: 1, country: 'IT' },
      { n: 11, iso: iso('2025-03-03', '07:00:00'), user: 'cy', type: 'purchase', revenue: 7, country: 'ES' },
      { n: 12, iso: iso('2025-02-28', '07:00:00'), user: 'ann', type: 'purchase', revenue: 2, country: 'NL' },
    ];
    await write(late.map(toEvent));
    await write(late.slice(1, 2).map(toEvent));
    const all = [...first, ...late];
    expect(await stored()).toEqual(reference(all, 'UTC'));
    const ann = (await stored()).firsts['ann'] as { p1: { id: string }; p2: { id: string } };
    expect([ann.p1.id, ann.p2.id]).toEqual([id(12), id(2)]);
  });

  it('move to another zone by a rebuild, and stay exact as events come', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const all = [...first];
    all.push(
      { n: 9, iso: iso('2025-02-27', '08:00:00'), user: 'ann', channel: 'organic' },
      { n: 10, iso: iso('2025-03-01', '20:00:00'), user: 'ann', type: 'purchase', revenue: 1, country: 'IT' },
      { n: 11, iso: iso('2025-03-03', '07:00:00'), user: 'cy', type: 'purchase', revenue: 7, country: 'ES' },
      { n: 12, iso: iso('2025-02-28', '07:00:00'), user: 'ann', type: 'purchase', revenue: 2, country: 'NL' },
    );
    expect(await ensureUserActivity(db.pool, 'Asia/Kolkata')).toEqual({ rebuilt: true });
    expect(await ensureUserActivity(db.pool, 'Asia/Kolkata')).toEqual({ rebuilt: false });
    expect(await stored()).toEqual(reference(all, 'Asia/Kolkata'));
    // ann's purchases at 18:45Z and 20:00Z on 1 March are on 2 March in Kolkata.
    expect((await stored()).days['ann 2025-03-02']).toMatchObject({ events: 3, orders: 3, revenue: 15.75 });

    const more: Spec[] = [
      { n: 13, iso: iso('2025-03-02', '18:29:59'), user: 'cy', channel: 'email' },
      { n: 14, iso: iso('2025-03-02', '18:30:00'), user: 'cy', type: 'purchase', revenue: 3 },
      { n: 15, iso: iso('2025-03-04', '00:00:00'), anon: 'anon-dee', bot: false },
    ];
    await write(more.map(toEvent));
    all.push(...more);
    expect(await stored()).toEqual(reference(all, 'Asia/Kolkata'));

    await expect(ensureUserActivity(db.pool, 'Mars/Olympus')).rejects.toThrow(/time zone/);
    expect(await userActivityZone(db.pool)).toBe('Asia/Kolkata');
  });

  it('forget the activity of dropped partitions', async () => {
    const all = [...first];
    all.push(
      { n: 9, iso: iso('2025-02-27', '08:00:00'), user: 'ann', channel: 'organic' },
      { n: 10, iso: iso('2025-03-01', '20:00:00'), user: 'ann', type: 'purchase', revenue: 1, country: 'IT' },
      { n: 11, iso: iso('2025-03-03', '07:00:00'), user: 'cy', type: 'purchase', revenue: 7, country: 'ES' },
      { n: 12, iso: iso('2025-02-28', '07:00:00'), user: 'ann', type: 'purchase', revenue: 2, country: 'NL' },
      { n: 13, iso: iso('2025-03-02', '18:29:59'), user: 'cy', channel: 'email' },
      { n: 14, iso: iso('2025-03-02', '18:30:00'), user: 'cy', type: 'purchase', revenue: 3 },
      { n: 15, iso: iso('2025-03-04', '00:00:00'), anon: 'anon-dee', bot: false },
    );
    const dropped = await createPartitionManager(db.pool).dropBefore(new Date('2025-03-02T06:00:00Z'));
    expect(dropped).toEqual(['events_p20250227', 'events_p20250228', 'events_p20250301']);
    const kept = all.filter((s) => s.iso >= '2025-03-02');
    // The local day holding the cut (2 March, from 1 March 18:30Z in Kolkata) keeps its later events only.
    expect(await stored()).toEqual(reference(kept, 'Asia/Kolkata'));
    // anon-bob had events on 1 March only: gone.
    expect(Object.keys((await stored()).firsts)).toEqual(['ann', 'anon-dee', 'cy']);
  });
});
