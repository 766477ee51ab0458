import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  CohortMetric,
  CohortType,
  EventSchema,
  FunnelMode,
  type AnalyzeFunnelResponse,
} from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBehaviourStore } from './adapters/event-store-behaviour.js';
import type { BehaviourDeps } from './rpc/behaviour-service.js';
import { behaviourClient } from './testing/behaviour-client.js';
import { botRows, eventId, readClickstream, toEvent, type ClickRow } from './testing/clickstream.js';

const DAY = 86_400_000;
const NOW = new Date('2024-07-01T00:00:00Z');
const ts = (iso: string) => timestampFromDate(new Date(iso));

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
const rows = readClickstream();
const bots = botRows(rows.length);
/** Non-bot rows per user, in (time, file) order: what every reference below reads. */
const byUser = new Map<string, ClickRow[]>();
for (const r of rows) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r]);
for (const list of byUser.values()) list.sort((a, b) => a.ts - b.ts || a.index - b.index);

function client(settings: Partial<BehaviourDeps['settings']> = {}) {
  return behaviourClient({ store: createBehaviourStore(db.pool), now: () => NOW, settings });
}

beforeAll(async () => {
  db = await withEventStoreDatabase();
  const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
  const events = [...rows, ...bots].map(toEvent);
  for (let i = 0; i < events.length; i += 5000) await write(events.slice(i, i + 5000));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

// ---- brute-force references, written independently of the domain code ----

const q7 = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

interface RefStep {
  type: string;
  within?: number;
}
interface RefOptions {
  start: number;
  end: number;
  windowMs: number;
  exclusions?: string[];
}

/** Every increasing path through the steps from every entry (depth-first): max depth, earliest times. */
function refOrdered(events: ClickRow[], steps: RefStep[], o: RefOptions) {
  const ev = events.filter((e) => e.ts >= o.start && e.ts < o.end);
  let best = { reached: 0, offsets: [] as number[] };
  ev.forEach((first, s) => {
    if (first.type !== steps[0]!.type) return;
    let stop = ev.findIndex((e, i) => i > s && (o.exclusions ?? []).includes(e.type));
    if (stop < 0) stop = ev.length;
    const earliest: number[] = [0];
    const walk = (j: number, at: number) => {
      if (j === steps.length) return;
      for (let i = at + 1; i < stop; i++) {
        const e = ev[i]!;
        if (e.ts - first.ts > o.windowMs) break;
        if (e.type !== steps[j]!.type) continue;
        if (steps[j]!.within !== undefined && e.ts - ev[at]!.ts > steps[j]!.within! * 1000) continue;
        earliest[j] = Math.min(earliest[j] ?? Infinity, e.ts - first.ts);
        walk(j + 1, i);
      }
    };
    walk(1, s);
    if (earliest.length > best.reached) best = { reached: earliest.length, offsets: earliest };
  });
  return best;
}

/** Strict: the funnel-type events from the entry on must spell the steps' prefix. */
function refStrict(events: ClickRow[], steps: RefStep[], o: RefOptions) {
  const types = steps.map((s) => s.type);
  const ev = events.filter((e) => e.ts >= o.start && e.ts < o.end);
  let best = { reached: 0, offsets: [] as number[] };
  ev.forEach((first, s) => {
    if (first.type !== types[0]) return;
    const seq = ev.slice(s).filter((e) => types.includes(e.type) && e.ts - first.ts <= o.windowMs);
    let k = 0;
    while (k < seq.length && k < types.length && seq[k]!.type === types[k]) k++;
    if (k > best.reached) best = { reached: k, offsets: seq.slice(0, k).map((e) => e.ts - first.ts) };
  });
  return best;
}

/** Any order: distinct step types seen from the entry on, inside the window. */
function refAnyOrder(events: ClickRow[], steps: RefStep[], o: RefOptions) {
  const types = steps.map((s) => s.type);
  const ev = events.filter((e) => e.ts >= o.start && e.ts < o.end);
  let best = { reached: 0, offsets: [] as number[] };
  ev.forEach((first, s) => {
    if (!types.includes(first.type)) return;
    const seen = new Set<string>();
    const offsets: number[] = [];
    for (const e of ev.slice(s)) {
      if (e.ts - first.ts > o.windowMs) break;
      if (types.includes(e.type) && !seen.has(e.type)) {
        seen.add(e.type);
        offsets.push(e.ts - first.ts);
      }
    }
    if (offsets.length > best.reached) best = { reached: offsets.length, offsets };
  });
  return best;
}

type Ref = typeof refOrdered;

function refFunnel(ref: Ref, steps: RefStep[], o: RefOptions, users = [...byUser.values()]) {
  const results = users.map((ev) => ref(ev, steps, o)).filter((r) => r.reached > 0);
  return steps.map((_, k) => {
    const times = results.filter((r) => r.reached > k).map((r) => r.offsets[k]! / 1000);
    return {
      count: times.length,
      median: times.length ? q7(times, 0.5) : 0,
      p90: times.length ? q7(times, 0.9) : 0,
    };
  });
}

function expectFunnel(got: AnalyzeFunnelResponse['steps'], want: ReturnType<typeof refFunnel>) {
  expect(got.map((s) => Number(s.count))).toEqual(want.map((s) => s.count));
  got.forEach((s, k) => {
    expect(s.conversionRate).toBeCloseTo((want[k]!.count * 100) / want[0]!.count, 9);
    const prev = want[k - 1]?.count;
    expect(s.dropOffRate).toBeCloseTo(prev === undefined ? 0 : ((prev - want[k]!.count) * 100) / prev, 9);
    expect(s.medianSecondsToConvert).toBeCloseTo(want[k]!.median, 6);
    expect(s.p90SecondsToConvert).toBeCloseTo(want[k]!.p90, 6);
  });
}

const CHECKOUT: RefStep[] = [
  { type: 'product_view' },
  { type: 'add_to_cart' },
  { type: 'checkout_start' },
  { type: 'purchase' },
];
const H1 = {
  start: Date.parse('2024-01-01T00:00:00Z'),
  end: Date.parse('2024-07-01T00:00:00Z'),
  windowMs: 7 * DAY,
};

describe('AnalyzeFunnel over the clickstream', () => {
  it('the documented example: the built-in checkout funnel over one month', async () => {
    const res = await client().analyzeFunnel({
      funnelName: 'checkout',
      startDate: ts('2024-03-01T00:00:00Z'),
      endDate: ts('2024-04-01T00:00:00Z'),
    });
    const want = refFunnel(refOrdered, CHECKOUT, {
      start: Date.parse('2024-03-01T00:00:00Z'),
      end: Date.parse('2024-04-01T00:00:00Z'),
      windowMs: 7 * DAY,
    });
    expect(res.funnelName).toBe('checkout');
    expect(res.steps.map((s) => s.name)).toEqual([
      'product_view',
      'add_to_cart',
      'checkout_start',
      'purchase',
    ]);
    expectFunnel(res.steps, want);
    expect(res.overallConversionRate).toBeCloseTo((want[3]!.count * 100) / want[0]!.count, 9);
    expect(want.map((s) => s.count)).toEqual(FIGURES.march);
  });

  it('ordered, strict and any-order over six months, the crawler left out', async () => {
    const c = client();
    const base = {
      funnelName: 'checkout',
      startDate: ts('2024-01-01T00:00:00Z'),
      endDate: ts('2024-07-01T00:00:00Z'),
    };
    const ordered = await c.analyzeFunnel({ ...base, mode: FunnelMode.ORDERED });
    const strict = await c.analyzeFunnel({ ...base, mode: FunnelMode.STRICT });
    const any = await c.analyzeFunnel({ ...base, mode: FunnelMode.ANY_ORDER });
    const wantOrdered = refFunnel(refOrdered, CHECKOUT, H1);
    expectFunnel(ordered.steps, wantOrdered);
    expectFunnel(strict.steps, refFunnel(refStrict, CHECKOUT, H1));
    expectFunnel(any.steps, refFunnel(refAnyOrder, CHECKOUT, H1));
    expect([ordered, strict, any].map((r) => r.steps.map((s) => Number(s.count)))).toEqual(FIGURES.modes);
  });

  it('a one-day window, a 10-minute step limit and an exclusion', async () => {
    const res = await client().analyzeFunnel({
      steps: [
        { name: 'viewed', eventType: 'product_view' },
        { name: 'carted fast', eventType: 'add_to_cart', withinSeconds: 600n },
        { name: 'checkout', eventType: 'checkout_start' },
        { name: 'bought', eventType: 'purchase' },
      ],
      startDate: ts('2024-01-01T00:00:00Z'),
      endDate: ts('2024-07-01T00:00:00Z'),
      conversionWindowSeconds: 86_400n,
      exclusions: ['payment_error'],
    });
    const steps = [CHECKOUT[0]!, { type: 'add_to_cart', within: 600 }, CHECKOUT[2]!, CHECKOUT[3]!];
    const want = refFunnel(refOrdered, steps, { ...H1, windowMs: DAY, exclusions: ['payment_error'] });
    expect(res.funnelName).toBe('custom');
    expectFunnel(res.steps, want);
    expect(want.map((s) => s.count)).toEqual(FIGURES.limits);
  });

  it('breaks down by channel, largest group first', async () => {
    const res = await client().analyzeFunnel({
      funnelName: 'checkout',
      startDate: ts('2024-01-01T00:00:00Z'),
      endDate: ts('2024-07-01T00:00:00Z'),
      breakdown: 'channel',
    });
    const channels = [...new Set(rows.map((r) => r.channel))];
    const want = channels
      .map((ch) => ({
        ch,
        steps: refFunnel(
          refOrdered,
          CHECKOUT,
          H1,
          [...byUser.values()].filter((ev) => ev[0]!.channel === ch),
        ),
      }))
      .sort((a, b) => b.steps[0]!.count - a.steps[0]!.count || (a.ch < b.ch ? -1 : 1));
    expect(res.breakdowns.map((b) => b.value)).toEqual(want.map((w) => w.ch));
    res.breakdowns.forEach((b, i) => expectFunnel(b.steps, want[i]!.steps));
    expect(res.breakdowns.reduce((n, b) => n + Number(b.steps[0]!.count), 0)).toBe(
      Number(res.steps[0]!.count),
    );
  });

  it('filters steps on properties and columns', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const at = (n: number, user: string, type: string, min: number, product: string, page: string) =>
      create(EventSchema, {
        eventId: eventId(900_000 + n),
        eventType: type,
        userId: user,
        timestamp: ts(new Date(Date.parse('2025-02-01T10:00:00Z') + min * 60_000).toISOString()),
        receivedAt: ts('2025-02-01T12:00:00Z'),
        properties: { product_id: product },
        context: { pagePath: page },
      });
    await write([
      at(1, 'f1', 'product_view', 0, 'p1', '/sale'),
      at(2, 'f1', 'add_to_cart', 1, 'p1', '/sale'),
      at(3, 'f2', 'product_view', 0, 'p2', '/sale'),
      at(4, 'f2', 'add_to_cart', 1, 'p2', '/sale'),
      at(5, 'f3', 'product_view', 0, 'p1', '/home'),
      at(6, 'f3', 'add_to_cart', 1, 'p1', '/home'),
      at(7, 'f4', 'product_view', 0, 'p3', '/sale'),
    ]);
    const res = await client().analyzeFunnel({
      steps: [
        {
          eventType: 'product_view',
          filters: [
            { property: 'product_id', values: ['p1', 'p3'] },
            { property: 'page_path', values: ['/sale'] },
          ],
        },
        { eventType: 'add_to_cart' },
      ],
      startDate: ts('2025-02-01T00:00:00Z'),
      endDate: ts('2025-02-02T00:00:00Z'),
    });
    expect(
      res.steps.map((s) => [s.name, Number(s.count), s.conversionRate, s.medianSecondsToConvert]),
    ).toEqual([
      ['product_view', 2, 100, 0],
      ['add_to_cart', 1, 50, 60],
    ]);
  });

  it('takes property names and values as given: quotes, non-ASCII users and values', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const at = (n: number, user: string, type: string, min: number, size: string) =>
      create(EventSchema, {
        eventId: eventId(950_000 + n),
        eventType: type,
        userId: user,
        timestamp: ts(new Date(Date.parse('2025-02-03T10:00:00Z') + min * 60_000).toISOString()),
        receivedAt: ts('2025-02-03T12:00:00Z'),
        properties: { "o'size": size },
      });
    // "jürgen" and "jürgen2" share a prefix; "zoë" sorts after both: each must stay one user.
    await write([
      at(1, 'jürgen', 'product_view', 0, 'größe L'),
      at(2, 'jürgen2', 'product_view', 1, 'größe L'),
      at(3, 'jürgen', 'add_to_cart', 2, ''),
      at(4, 'zoë', 'product_view', 3, 'größe M'),
      at(5, 'zoë', 'add_to_cart', 5, ''),
    ]);
    const res = await client().analyzeFunnel({
      steps: [
        { eventType: 'product_view', filters: [{ property: "o'size", values: ['größe L'] }] },
        { eventType: 'add_to_cart' },
      ],
      startDate: ts('2025-02-03T00:00:00Z'),
      endDate: ts('2025-02-04T00:00:00Z'),
    });
    expect(
      res.steps.map((s) => [s.name, Number(s.count), s.conversionRate, s.medianSecondsToConvert]),
    ).toEqual([
      ['product_view', 2, 100, 0],
      ['add_to_cart', 1, 50, 120],
    ]);
  });
});

/** First-event (or first-purchase) month per user and the months they were active or bought in. */
function refCohorts(anchorType: 'any' | 'purchase') {
  const month = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
  const last = month(NOW.getTime() - 1);
  const cohorts = new Map<number, { size: number; active: number[]; revenue: number[]; repeat: number[] }>();
  for (const ev of byUser.values()) {
    const anchor = ev.find((e) => anchorType === 'any' || e.type === 'purchase');
    if (anchor === undefined) continue;
    const m0 = month(anchor.ts);
    const len = last - m0 + 1;
    const c = cohorts.get(m0) ?? {
      size: 0,
      active: Array(len).fill(0),
      revenue: Array(len).fill(0),
      repeat: Array(len).fill(0),
    };
    cohorts.set(m0, c);
    c.size++;
    for (let k = 0; k < len; k++) {
      const inK = ev.filter((e) => month(e.ts) === m0 + k);
      if (inK.length > 0) c.active[k]++;
      c.revenue[k] += inK.reduce((s, e) => s + e.revenue, 0);
      if (ev.filter((e) => e.type === 'purchase' && month(e.ts) <= m0 + k).length >= 2) c.repeat[k]++;
    }
  }
  return [...cohorts.entries()].sort(([a], [b]) => a - b);
}

describe('AnalyzeCohorts over the clickstream', () => {
  it('the documented example: monthly acquisition retention from start_date up to now', async () => {
    const res = await client().analyzeCohorts({
      startDate: ts('2024-01-01T00:00:00Z'),
      cohortType: CohortType.ACQUISITION_MONTH,
      metric: CohortMetric.RETENTION,
    });
    const want = refCohorts('any');
    expect(res.cohorts.map((c) => timestampDate(c.cohortStart!).toISOString().slice(0, 7))).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
    ]);
    expect(res.cohorts.map((c) => Number(c.size))).toEqual(want.map(([, c]) => c.size));
    res.cohorts.forEach((c, i) => {
      const w = want[i]![1];
      expect(c.values).toEqual(w.active.map((a) => a / w.size));
    });
    expect(res.cohorts.map((c) => Number(c.size))).toEqual(FIGURES.cohortSizes);
  });

  it('revenue per user and repeat-purchase rate of first-purchase cohorts, split by channel', async () => {
    const c = client();
    const base = {
      startDate: ts('2024-01-01T00:00:00Z'),
      endDate: ts('2024-07-01T00:00:00Z'),
      cohortType: CohortType.FIRST_PURCHASE_MONTH,
    };
    const revenue = await c.analyzeCohorts({ ...base, metric: CohortMetric.REVENUE_PER_USER });
    const repeat = await c.analyzeCohorts({ ...base, metric: CohortMetric.REPEAT_PURCHASE_RATE });
    const want = refCohorts('purchase');
    expect(revenue.cohorts.map((x) => Number(x.size))).toEqual(want.map(([, w]) => w.size));
    revenue.cohorts.forEach((x, i) => {
      const w = want[i]![1];
      w.revenue.forEach((r, k) => expect(x.values[k]).toBeCloseTo(r / w.size, 9));
      expect(repeat.cohorts[i]!.values).toEqual(w.repeat.map((r) => r / w.size));
    });
    const split = await c.analyzeCohorts({
      ...base,
      metric: CohortMetric.ORDERS,
      breakdown: 'channel',
      periods: 2,
    });
    expect(split.cohorts.every((x) => x.values.length <= 2 && x.breakdownValue !== '')).toBe(true);
    expect(split.cohorts.reduce((n, x) => n + Number(x.size), 0)).toBe(
      want.reduce((n, [, w]) => n + w.size, 0),
    );
  });
});

describe('AnalyzeCohorts in the shop time zone (SHOP_TIMEZONE)', () => {
  // Reference calendar from Intl (independent of the Luxon code under test): local y-m-d of an instant.
  const zone = 'Pacific/Auckland';
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const localDate = (t: number) => fmt.format(new Date(t));
  const monthOf = (t: number) => {
    const [y, m] = localDate(t).split('-').map(Number);
    return y! * 12 + m! - 1;
  };
  const dayOf = (t: number) => Date.parse(`${localDate(t)}T00:00:00Z`) / DAY;

  it('acquisition months and days follow local midnight, and the start date means local midnight', async () => {
    const c = client({ timeZone: zone });
    // 2024-03-01 as a date: local midnight in Auckland (UTC+13 then) = 2024-02-29T11:00Z.
    const start = Date.parse('2024-02-29T11:00:00Z');
    for (const [type, unitOf] of [
      [CohortType.ACQUISITION_MONTH, monthOf],
      [CohortType.ACQUISITION_DAY, dayOf],
    ] as const) {
      const res = await c.analyzeCohorts({
        startDate: ts('2024-03-01T00:00:00Z'),
        endDate: ts('2024-04-01T00:00:00Z'),
        cohortType: type,
        metric: CohortMetric.RETENTION,
      });
      const end = Date.parse('2024-03-31T11:00:00Z');
      const last = unitOf(end - 1);
      const want = new Map<number, { size: number; active: number[] }>();
      for (const ev of byUser.values()) {
        const anchor = ev[0]!.ts;
        if (anchor < start || anchor >= end) continue;
        const p0 = unitOf(anchor);
        const w = want.get(p0) ?? { size: 0, active: Array<number>(last - p0 + 1).fill(0) };
        want.set(p0, w);
        w.size++;
        for (let k = 0; k <= last - p0; k++)
          if (ev.some((e) => e.ts < end && unitOf(e.ts) === p0 + k)) w.active[k]!++;
      }
      const rows = [...want.entries()].sort(([a], [b]) => a - b);
      expect(res.cohorts.map((x) => Number(x.size))).toEqual(rows.map(([, w]) => w.size));
      res.cohorts.forEach((x, i) => {
        // Each cohort starts at local midnight: the first instant of its local period.
        const at = timestampDate(x.cohortStart!).getTime();
        expect(unitOf(at)).toBe(rows[i]![0]);
        expect(unitOf(at - 1)).toBe(rows[i]![0] - 1);
        expect(x.values).toEqual(rows[i]![1].active.map((a) => a / rows[i]![1].size));
      });
    }
    // The zone matters here: some users are in a different March cohort day than in UTC.
    const moved = [...byUser.values()].filter(
      (ev) => dayOf(ev[0]!.ts) !== Math.floor(ev[0]!.ts / DAY) && ev[0]!.ts >= start,
    );
    expect(moved.length).toBeGreaterThan(0);
  });
});

describe('GetUserJourney', () => {
  it('one user’s sessions, touchpoints, orders and engagement components', async () => {
    const ev = byUser.get('user_0000')!;
    const res = await client().getUserJourney({ userId: 'user_0000' });
    const sessions = [...new Set(ev.map((e) => e.session))];
    expect(res.sessions.map((s) => s.sessionId)).toEqual(sessions);
    expect(res.sessions.map((s) => s.touchpoints.length)).toEqual(
      sessions.map((id) => ev.filter((e) => e.session === id).length),
    );
    expect(res.sessions.every((s) => s.channel === ev[0]!.channel)).toBe(true);
    const flat = res.sessions.flatMap((s) => s.touchpoints);
    expect(flat.map((t) => t.eventId)).toEqual(ev.map((e) => eventId(e.index)));
    expect(flat.filter((t) => t.orderId !== '').map((t) => [t.orderId, t.value])).toEqual(
      ev.filter((e) => e.type === 'purchase').map((e) => [`o${e.index}`, e.revenue]),
    );
    const lastTs = ev[ev.length - 1]!.ts;
    const starts = sessions.map((id) => ev.find((e) => e.session === id)!.ts);
    const revenue = ev.reduce((s, e) => s + e.revenue, 0);
    const want = {
      recency: 25 * 0.5 ** ((NOW.getTime() - lastTs) / DAY / 14),
      frequency: 25 * Math.min(1, starts.filter((t) => t > NOW.getTime() - 30 * DAY).length / 10),
      depth: 25 * Math.min(1, ev.length / sessions.length / 10),
      monetary: 25 * Math.min(1, revenue / 500),
    };
    const e = res.engagement!;
    expect(e.recency).toBeCloseTo(want.recency, 9);
    expect(e.frequency).toBeCloseTo(want.frequency, 9);
    expect(e.depth).toBeCloseTo(want.depth, 9);
    expect(e.monetary).toBeCloseTo(want.monetary, 9);
    expect(e.score).toBeCloseTo(want.recency + want.frequency + want.depth + want.monetary, 9);
  });

  it('every event of the user, bot-flagged ones before their first visit included, within the range asked', async () => {
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const at = (n: number, iso: string, bot: boolean) =>
      create(EventSchema, {
        eventId: eventId(970_000 + n),
        eventType: 'page_view',
        userId: 'span_user',
        sessionId: `span_${n}`,
        timestamp: ts(iso),
        receivedAt: ts(iso),
        enrichment: { isBot: bot },
      });
    await write([at(2, '2024-02-10T10:00:00.250Z', false), at(3, '2024-02-11T10:00:00Z', false)]);
    // Written later, and earlier than anything else of theirs.
    await write([at(1, '2024-01-05T10:00:00Z', true)]);
    const all = await client().getUserJourney({ userId: 'span_user' });
    expect(all.sessions.flatMap((s) => s.touchpoints.map((t) => t.eventId))).toEqual(
      [1, 2, 3].map((n) => eventId(970_000 + n)),
    );
    const part = await client().getUserJourney({
      userId: 'span_user',
      startDate: ts('2024-02-10T10:00:00.250Z'),
      endDate: ts('2024-02-11T10:00:00Z'),
    });
    expect(part.sessions.flatMap((s) => s.touchpoints.map((t) => t.eventId))).toEqual([eventId(970_002)]);
  });

  it('NotFound for a user with no events', async () => {
    await expect(client().getUserJourney({ userId: 'nobody' })).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });
});

describe('GetJourneyPaths over the clickstream', () => {
  it('Sankey links from product_view, 4 steps, errors left out, equal to counting paths by hand', async () => {
    const res = await client().getJourneyPaths({
      startEvent: 'product_view',
      startDate: ts('2024-01-01T00:00:00Z'),
      endDate: ts('2024-07-01T00:00:00Z'),
      maxSteps: 4,
      exclusions: ['error_page', 'checkout_bug'],
    });
    const want = new Map<string, number>();
    for (const ev of byUser.values()) {
      const seq = ev.map((e) => e.type).filter((t) => t !== 'error_page' && t !== 'checkout_bug');
      const dedup = seq.filter((t, i) => i === 0 || seq[i - 1] !== t);
      const path = dedup.slice(dedup.indexOf('product_view')).slice(0, 4);
      if (!dedup.includes('product_view')) continue;
      for (let i = 1; i < path.length; i++) {
        const key = `${i - 1}:${path[i - 1]} -> ${i}:${path[i]}`;
        want.set(key, (want.get(key) ?? 0) + 1);
      }
    }
    const got = new Map(res.links.map((l) => [`${l.source} -> ${l.target}`, Number(l.value)]));
    expect(got).toEqual(want);
    expect(res.links.slice(0, 2).map((l) => [l.source, l.target, Number(l.value)])).toEqual(FIGURES.topLinks);
    const firstStep = res.links
      .filter((l) => l.source === '0:product_view')
      .reduce((n, l) => n + Number(l.value), 0);
    expect(firstStep).toBe(
      [...byUser.values()].filter((ev) => ev.some((e) => e.type === 'product_view')).length,
    );
    expect(new Set(res.nodes.map((n) => n.id))).toEqual(
      new Set(res.links.flatMap((l) => [l.source, l.target])),
    );
  });
});

describe('errors', () => {
  it('FailedPrecondition when a feature is switched off', async () => {
    const off = client({ funnels: false, cohorts: false, journeys: false });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => ConnectError.from(e).code,
      );
    expect(await code(off.analyzeFunnel({ funnelName: 'checkout' }))).toBe(Code.FailedPrecondition);
    expect(await code(off.analyzeCohorts({ startDate: ts('2024-01-01T00:00:00Z') }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await code(off.getUserJourney({ userId: 'user_0000' }))).toBe(Code.FailedPrecondition);
  });

  it('InvalidArgument for a bad breakdown or a one-step funnel; NotFound for an unknown funnel', async () => {
    const c = client();
    await expect(c.analyzeFunnel({ funnelName: 'checkout', breakdown: 'shoe_size' })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    await expect(c.analyzeFunnel({ steps: [{ eventType: 'purchase' }] })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    await expect(c.analyzeFunnel({ funnelName: 'signup' })).rejects.toMatchObject({ code: Code.NotFound });
  });
});

/** Figures a reader can check by hand, pinned after they matched the brute-force references. */
const FIGURES = {
  /** Checkout funnel, March 2024: 282 viewers, 14 buyers within 7 days of a view. */
  march: [282, 84, 36, 14],
  /** Jan–Jun 2024, ordered / strict / any order. */
  modes: [
    [598, 487, 333, 137],
    [598, 452, 189, 70],
    [598, 522, 439, 319],
  ],
  /** One-day window, cart within 10 minutes of the view, payment_error excluded. */
  limits: [598, 452, 278, 102],
  /** Users first seen in each month, Jan–Jun 2024. */
  cohortSizes: [63, 124, 181, 167, 62, 3],
  /** The two most travelled links after a product view. */
  topLinks: [
    ['0:product_view', '1:catalog', 185],
    ['0:product_view', '1:search', 116],
  ],
};
