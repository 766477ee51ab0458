import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '@broxiva/contracts';
import { batchMessage, testEvent, type TestEventSpec } from './testing/events.js';
import { liveStoreHarness } from './testing/live-store-harness.js';

// 12:00 in Berlin on 4 Dec 2025; the Berlin day started at 2025-12-03T23:00Z.
const NOW = Date.parse('2025-12-04T11:00:00Z');
const DAY_START = Date.parse('2025-12-03T23:00:00Z');
const MIN = 60_000;
const USER_TIMEOUT = 30 * MIN;
const SESSION_TIMEOUT = 60 * MIN;
const DEDUP_TTL = 60 * MIN;

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pages with what text passed to Redis must survive: quotes, backslashes, non-ASCII, astral characters.
const PAGES = [
  '/p/0',
  '/p/1',
  '/p/"quoted"',
  '/p/back\\slash',
  '/p/größe',
  '/p/雨傘',
  '/p/☂️🌂',
  '/p/a,b]',
  '/p/8',
];

/** 600 events of 60 sessions over the last 100 minutes, with bots, historical, late and foreign-currency ones. */
function shopEvents(): TestEventSpec[] {
  const r = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const types = [
    'page_view',
    'page_view',
    'product_view',
    'add_to_cart',
    'remove_from_cart',
    'checkout_start',
    'purchase',
    'search',
  ];
  const out: TestEventSpec[] = [];
  for (let i = 0; i < 600; i++) {
    const s = Math.floor(r() * 60);
    const type = pick(types);
    const late = i % 50 === 7; // yesterday evening in Berlin: stored, not today
    const at = late ? DAY_START - Math.floor(r() * 3_600_000) - 1 : NOW - Math.floor(r() * 100 * MIN);
    const amount = Math.round(r() * 20_000) / 100;
    out.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type,
      ...(s % 3 === 0 ? { user: `user-${s % 25}` } : { anon: `anon-${s}` }),
      ...(s % 11 === 10 ? {} : { session: `sess-${s}` }),
      at,
      // Half arrive as they happen (the older of those are past the 1 h dedup TTL: too late to count), half
      // were sent late, e.g. from an app that was offline.
      receivedAt: late || i % 2 === 1 ? NOW - 60_000 : at + 150,
      historical: i % 40 === 3,
      bot: s % 13 === 5,
      device: pick(['desktop', 'mobile', 'tablet']),
      country: pick(['DE', 'FR']),
      region: pick(['BY', 'BE', '']),
      page: type === 'purchase' ? '' : PAGES[Math.floor(r() * 9)],
      ...(type === 'purchase'
        ? {
            orderId: `order-${i % 97 === 0 ? 'dup' : i}`,
            amount: i % 97 === 0 ? 50 : amount,
            currency: i % 9 === 0 ? 'USD' : 'EUR',
          }
        : {}),
      ...(type === 'add_to_cart' || type === 'remove_from_cart' ? { amount } : {}),
    });
  }
  return out;
}

/** The overview by brute force over the event list: the independent reference. */
function expected(all: readonly TestEventSpec[], now: number) {
  const seen = new Set<string>();
  const live = all.filter((e) => {
    if (seen.has(e.id) || e.historical || e.bot || (e.receivedAt ?? 0) + DEDUP_TTL <= now) return false;
    seen.add(e.id);
    return true;
  });
  const actor = (e: TestEventSpec) => e.user ?? e.anon ?? '';
  const session = (e: TestEventSpec) => e.session ?? `~${e.id}`;
  const lastSeen = (key: (e: TestEventSpec) => string, events = live) => {
    const m = new Map<string, number>();
    for (const e of events) m.set(key(e), Math.max(m.get(key(e)) ?? -Infinity, e.at));
    return m;
  };
  const activeCount = (m: Map<string, number>, timeout: number) =>
    [...m.values()].filter((t) => t > now - timeout).length;
  const today = live.filter((e) => e.at >= DAY_START && e.at < DAY_START + 86_400_000);
  const cents = (x: number) => Math.round(x * 100);
  const orders = new Map<string, number>();
  for (const e of today.filter((e) => e.type === 'purchase')) {
    if (!orders.has(e.orderId ?? ''))
      orders.set(e.orderId ?? '', e.currency === 'EUR' ? cents(e.amount ?? 0) : 0);
  }
  const todaySessions = new Set(today.map(session));
  const buyers = new Set(today.filter((e) => e.type === 'purchase').map(session));
  const adders = new Set(today.filter((e) => e.type === 'add_to_cart').map(session));
  let cartCents = 0;
  for (const e of today) {
    if (!adders.has(session(e))) continue;
    if (e.type === 'add_to_cart') cartCents += cents(e.amount ?? 0);
    if (e.type === 'remove_from_cart') cartCents -= cents(e.amount ?? 0);
  }
  const byDim = (dim: (e: TestEventSpec) => string) => {
    const out = new Map<string, number>();
    for (const value of new Set(live.map(dim))) {
      const n = activeCount(
        lastSeen(
          actor,
          live.filter((e) => dim(e) === value),
        ),
        USER_TIMEOUT,
      );
      if (n > 0) out.set(value, n);
    }
    return [...out]
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  };
  return {
    live,
    overview: {
      activeUsers: activeCount(lastSeen(actor), USER_TIMEOUT),
      activeSessions: activeCount(lastSeen(session), SESSION_TIMEOUT),
      ordersToday: orders.size,
      revenueToday: [...orders.values()].reduce((a, b) => a + b, 0) / 100,
      cartValueAvg: adders.size === 0 ? 0 : cartCents / 100 / adders.size,
      conversionRate: todaySessions.size === 0 ? 0 : (buyers.size / todaySessions.size) * 100,
    },
    perMinute: Array.from({ length: 30 }, (_, i) => {
      const start = Math.floor(now / MIN) * MIN - (29 - i) * MIN;
      return {
        timeMs: start,
        value: new Set(live.filter((e) => e.at >= start && e.at < start + MIN).map(actor)).size,
      };
    }),
    byDevice: byDim((e) => e.device ?? 'unknown'),
    byRegion: byDim((e) => (e.region ? `${e.country}-${e.region}` : (e.country ?? 'unknown'))),
    session,
  };
}

describe('live aggregates in Redis', () => {
  const h = liveStoreHarness({
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    userTimeoutMs: USER_TIMEOUT,
    sessionTimeoutMs: SESSION_TIMEOUT,
  });
  afterAll(() => h.close());

  const specs = shopEvents();
  const events = specs.map(testEvent);
  // Events 100-129 are resent later with a new received_at (see below): the reference sees them too, so
  // an original that came too late to count is counted through its resend, once.
  const resent = specs.slice(100, 130).map((e) => ({ ...e, receivedAt: NOW - 1_000 }));
  const want = expected([...specs, ...resent], NOW);

  it('counts every overview field exactly, despite duplicates, redeliveries and a second replica', async () => {
    h.clock.now = NOW;
    const other = h.replica();
    // Messages of 40 events; message 3 is redelivered to the same replica, message 5 goes to both replicas,
    // and 30 events are resent inside a later message (a client resend past ingest's dedup window).
    const messages: Event[][] = [];
    for (let i = 0; i < events.length; i += 40) messages.push(events.slice(i, i + 40));
    // The resend passed ingest again, so it carries a new received_at: the id alone must recognise it.
    messages.push(resent.map(testEvent));
    const own = messages.map(batchMessage);
    await Promise.all([h.handle(own.slice(0, 8)), other.handle(own.slice(5, 6)), other.handle(own.slice(8))]);
    await h.handle([own[3] as { data: Uint8Array }]);

    const overview = await h.reader.overview(NOW);
    expect(overview).toEqual({ timestampMs: NOW, currency: 'EUR', ...want.overview });
    // The data set is not degenerate: every field has something to count.
    expect(want.overview.activeUsers).toBeGreaterThan(10);
    expect(want.overview.ordersToday).toBeGreaterThan(10);
    expect(want.overview.cartValueAvg).not.toBe(0);
  });

  it('reports active users per minute and by device and region', async () => {
    const users = await h.reader.activeUsers(NOW);
    expect(users).toEqual({
      timestampMs: NOW,
      activeUsers: want.overview.activeUsers,
      perMinute: want.perMinute,
      byDevice: want.byDevice,
      byRegion: want.byRegion,
    });
  });

  it('lists active sessions with their card, most recent first, in pages', async () => {
    const bySession = new Map<string, TestEventSpec[]>();
    for (const e of want.live) bySession.set(want.session(e), [...(bySession.get(want.session(e)) ?? []), e]);
    const active = [...bySession]
      .map(([id, es]) => {
        const last = Math.max(...es.map((e) => e.at));
        const withPage = es.filter((e) => e.page).sort((a, b) => b.at - a.at)[0];
        const latest = es.filter((e) => e.at === last)[0] as TestEventSpec;
        const cart = es.reduce(
          (c, e) =>
            c +
            (e.type === 'add_to_cart' ? 1 : e.type === 'remove_from_cart' ? -1 : 0) *
              Math.round((e.amount ?? 0) * 100),
          0,
        );
        return {
          sessionId: id,
          userId: latest.user ?? latest.anon ?? '',
          startedAtMs: Math.min(...es.map((e) => e.at)),
          lastEventAtMs: last,
          currentPage: withPage?.page ?? '',
          eventCount: es.length,
          cartValue: cart / 100,
        };
      })
      .filter((s) => s.lastEventAtMs > NOW - SESSION_TIMEOUT)
      .sort((a, b) => b.lastEventAtMs - a.lastEventAtMs);
    const first = await h.reader.activeSessions(NOW, 0, 20);
    const rest = await h.reader.activeSessions(NOW, 20, 500);
    expect(first.total).toBe(active.length);
    expect([...first.sessions, ...rest.sessions]).toEqual(active);
    expect(first.sessions).toHaveLength(20);
  });

  it('counts funnel sessions per window and over the hour', async () => {
    const c = await h.reader.conversions(NOW);
    expect(c.windowSeconds).toBe(60);
    expect(c.windows).toHaveLength(60);
    const steps = ['page_view', 'product_view', 'add_to_cart', 'checkout_start', 'purchase'];
    const count = (from: number, to: number, step: string) =>
      new Set(want.live.filter((e) => e.type === step && e.at >= from && e.at < to).map(want.session)).size;
    for (const w of c.windows) {
      expect(w.steps.map((s) => s.count)).toEqual(steps.map((s) => count(w.startMs, w.endMs, s)));
    }
    const hourStart = c.windows[0]?.startMs ?? 0;
    const totals = steps.map((s) => count(hourStart, Infinity, s));
    expect(c.total.map((s) => s.count)).toEqual(totals);
    expect(c.total[4]?.rate).toBe(((totals[4] ?? 0) / (totals[0] ?? 1)) * 100);
  });

  it('ages users and sessions out at their timeouts (injected clock)', async () => {
    const last = Math.max(...want.live.map((e) => e.at));
    const later = await h.reader.overview(last + USER_TIMEOUT - 1);
    expect(later.activeUsers).toBeGreaterThan(0);
    expect((await h.reader.overview(last + USER_TIMEOUT)).activeUsers).toBe(0);
    expect((await h.reader.overview(last + USER_TIMEOUT)).activeSessions).toBeGreaterThan(0);
    expect((await h.reader.overview(last + SESSION_TIMEOUT)).activeSessions).toBe(0);
    // A write at a later time trims the sorted sets: the stale members are gone from Redis itself.
    h.clock.now = last + SESSION_TIMEOUT;
    await h.handle([
      batchMessage([
        testEvent({ id: 'late-trim', type: 'page_view', anon: 'z', session: 'z', at: h.clock.now }),
      ]),
    ]);
    const fresh = await h.reader.activeSessions(h.clock.now, 0, 500);
    expect(fresh.total).toBe(1);
  });
});

describe('day rollover in Europe/Berlin', () => {
  const h = liveStoreHarness({ timeZone: 'Europe/Berlin', currency: 'EUR' });
  afterAll(() => h.close());

  it('starts today’s orders, revenue and conversion at Berlin midnight, not UTC midnight', async () => {
    const before = Date.parse('2025-12-04T22:59:00Z'); // 23:59 Berlin on the 4th
    const after = Date.parse('2025-12-04T23:01:00Z'); // 00:01 Berlin on the 5th (still the 4th in UTC)
    h.clock.now = after;
    await h.handle([
      batchMessage([
        testEvent({ id: 'a1', type: 'page_view', anon: 'a', session: 'A', at: before }),
        testEvent({
          id: 'a2',
          type: 'purchase',
          anon: 'a',
          session: 'A',
          at: before,
          orderId: 'o1',
          amount: 100,
        }),
        testEvent({ id: 'b1', type: 'page_view', anon: 'b', session: 'B', at: after - 1_000 }),
        testEvent({ id: 'c1', type: 'page_view', anon: 'c', session: 'C', at: after - 1_000 }),
        testEvent({
          id: 'c2',
          type: 'purchase',
          anon: 'c',
          session: 'C',
          at: after - 500,
          orderId: 'o2',
          amount: 42.5,
        }),
      ]),
    ]);
    const at2359 = await h.reader.overview(before + 30_000);
    expect([at2359.ordersToday, at2359.revenueToday, at2359.conversionRate]).toEqual([1, 100, 100]);
    const at0001 = await h.reader.overview(after);
    expect([at0001.ordersToday, at0001.revenueToday, at0001.conversionRate]).toEqual([1, 42.5, 50]);
    // Active users span midnight: all three were seen within the last 30 minutes.
    expect(at0001.activeUsers).toBe(3);
  });
});
