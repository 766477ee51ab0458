import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import type { Event } from '@broxiva/contracts';
import { testEvent } from './testing/events.js';
import { startRealtime } from './testing/realtime-harness.js';

type Harness = Awaited<ReturnType<typeof startRealtime>>;

/** Resolves once the realtime consumer has applied and acked everything published. */
async function drained(h: Harness, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await h.bus.jsm.consumers.info(
      h.topo.streams.events.name,
      h.topo.consumers.realtime.config.durable_name,
    );
    if (info.num_pending === 0 && info.num_ack_pending === 0) return;
    if (Date.now() > deadline) throw new Error(`consumer not drained: ${JSON.stringify(info)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const plain = (o: object | undefined) =>
  JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));

describe('RealtimeService end to end', () => {
  let h: Harness;
  const T = Date.now();
  beforeAll(async () => {
    h = await startRealtime({ currency: 'EUR' });
  });
  afterAll(() => h.stop());

  const purchases = [
    testEvent({
      id: 'p1',
      type: 'purchase',
      user: 'u1',
      session: 'S1',
      at: T - 400,
      orderId: 'O1',
      amount: 55.5,
    }),
    testEvent({
      id: 'p2',
      type: 'purchase',
      user: 'u5',
      session: 'S5',
      at: T - 300,
      orderId: 'O2',
      amount: 100,
      currency: 'USD',
    }),
  ];
  const others = [
    testEvent({
      id: 'v1',
      type: 'page_view',
      user: 'u1',
      session: 'S1',
      at: T - 900,
      page: '/a',
      device: 'mobile',
    }),
    testEvent({
      id: 'v2',
      type: 'product_view',
      user: 'u1',
      session: 'S1',
      at: T - 800,
      page: '/b',
      device: 'mobile',
    }),
    testEvent({ id: 'c1', type: 'add_to_cart', user: 'u1', session: 'S1', at: T - 700, amount: 30 }),
    testEvent({ id: 'c2', type: 'remove_from_cart', user: 'u1', session: 'S1', at: T - 600, amount: 10 }),
    testEvent({ id: 'v3', type: 'page_view', anon: 'a2', session: 'S2', at: T - 500, page: '/a' }),
    testEvent({ id: 'c3', type: 'add_to_cart', anon: 'a2', session: 'S2', at: T - 450, amount: 20 }),
    testEvent({ id: 'b1', type: 'page_view', user: 'u3', session: 'S3', at: T - 450, page: '/a', bot: true }),
    testEvent({
      id: 'h1',
      type: 'page_view',
      anon: 'a4',
      session: 'S4',
      at: T - 450,
      page: '/a',
      historical: true,
    }),
  ];

  it('serves the overview within a second of publishing, each event counted once', async () => {
    await h.publish([...others, ...purchases]);
    await h.publish(purchases); // a resend of the purchase message: no event may count twice
    await drained(h);
    const { overview } = await h.client.getOverview({});
    expect(plain(overview)).toMatchObject({
      activeUsers: 3, // u1, a2, u5 (u3 is a bot, a4 historical)
      activeSessions: 3,
      ordersToday: 2,
      revenueToday: 55.5, // O2 was paid in USD: counted as an order, not converted
      cartValueAvg: 20, // S1: 30 - 10, S2: 20
      conversionRate: (2 / 3) * 100,
      currency: 'EUR',
    });
    expect(
      Math.abs(timestampMs(overview?.timestamp ?? ({ seconds: 0n, nanos: 0 } as never)) - Date.now()),
    ).toBeLessThan(5_000);
  });

  it('lists active sessions in pages and refuses a page size over 500', async () => {
    const first = await h.client.listActiveSessions({ pageSize: 2 });
    expect(Number(first.total)).toBe(3);
    // Most recent first: S5 (purchase at T-300), S1 (purchase at T-400), S2 (add to cart at T-450).
    expect(first.sessions.map((s) => s.sessionId)).toEqual(['S5', 'S1']);
    expect(plain(first.sessions[1])).toMatchObject({
      sessionId: 'S1',
      userId: 'u1',
      currentPage: '/b', // the purchase had no page
      eventCount: 5,
      cartValue: 20,
    });
    const s1 = first.sessions[1];
    expect([s1?.startedAt, s1?.lastEventAt].map((t) => (t ? timestampMs(t) : 0))).toEqual([T - 900, T - 400]);
    const rest = await h.client.listActiveSessions({ pageSize: 2, pageToken: first.nextPageToken });
    expect(rest.nextPageToken).toBe('');
    expect(rest.sessions.map((s) => s.sessionId)).toEqual(['S2']);
    const forged = await h.client.listActiveSessions({ pageToken: 'bm9wZQ' }).catch((e: unknown) => e);
    expect((forged as ConnectError).rawMessage).toBe(
      'invalid request: page_token: not a page token from this server',
    );
    const err = await h.client.listActiveSessions({ pageSize: 501 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toBe(
      'invalid request: page_size: must be from 0 to 500 (0: 50)',
    );
  });

  it('reports active users by device and the funnel of the current window', async () => {
    const users = await h.client.getActiveUsers({});
    expect(Number(users.activeUsers)).toBe(3);
    expect(users.perMinute).toHaveLength(30);
    expect(users.byDevice.map((b) => [b.key, b.value])).toEqual([
      ['desktop', 3],
      ['mobile', 1],
    ]);
    const conv = await h.client.getConversions({});
    expect(conv.windowSeconds).toBe(60);
    expect(conv.windows).toHaveLength(60);
    expect(conv.total.map((s) => [s.step, Number(s.count), s.rate])).toEqual([
      ['page_view', 2, 100],
      ['product_view', 1, 50],
      ['add_to_cart', 2, 100],
      ['checkout_start', 0, 0],
      ['purchase', 2, 100],
    ]);
  });

  it('exports pipeline lag and event results on /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${h.servers[0]?.httpPort}/metrics`)).text();
    expect(text).toMatch(/^analytics_pipeline_lag_seconds\{service="realtime"\} \d/m);
    expect(text).toContain('analytics_realtime_events_total{result="applied",service="realtime"} 8');
    expect(text).toContain('analytics_realtime_events_total{result="duplicate",service="realtime"} 2');
    expect(text).toContain('analytics_realtime_events_total{result="bot",service="realtime"} 1');
    expect(text).toContain('analytics_realtime_events_total{result="historical",service="realtime"} 1');
  });

  it('pushes a changed overview to a watcher promptly', async () => {
    const stop = new AbortController();
    const stream = h.client.watchOverview({}, { signal: stop.signal });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(Number(first.value?.overview?.activeUsers)).toBe(3);
    const sent = Date.now();
    await h.publish([
      testEvent({ id: 'w1', type: 'page_view', anon: 'watcher-test', session: 'S9', at: sent }),
    ]);
    let users = 3;
    while (users !== 4) {
      const next = await it.next();
      users = Number(next.value?.overview?.activeUsers);
    }
    // Typically 100–300 ms (a 20 ms flush, then the next poll); the bound leaves room for a busy CI machine.
    expect(Date.now() - sent).toBeLessThan(2_000);
    stop.abort();
  });

  it('taps live events filtered by type and user', async () => {
    const stop = new AbortController();
    const got: Event[] = [];
    const done = (async () => {
      try {
        for await (const r of h.client.watchEvents(
          { eventTypes: ['purchase'], userId: 'u9' },
          { signal: stop.signal },
        )) {
          if (r.event) got.push(r.event);
          if (got.length === 1) stop.abort();
        }
      } catch (e) {
        if (!(e instanceof ConnectError && e.code === Code.Canceled)) throw e;
      }
    })();
    await new Promise((r) => setTimeout(r, 300)); // the subscription is in place
    await h.publish([
      testEvent({ id: 'x1', type: 'page_view', user: 'u9', session: 'S10', at: Date.now() }),
      testEvent({
        id: 'x2',
        type: 'purchase',
        user: 'u8',
        session: 'S11',
        at: Date.now(),
        orderId: 'O8',
        amount: 1,
      }),
    ]);
    await h.publish([
      testEvent({
        id: 'x3',
        type: 'purchase',
        user: 'u9',
        session: 'S10',
        at: Date.now(),
        orderId: 'O9',
        amount: 9,
      }),
    ]);
    await done;
    expect(got.map((e) => e.eventId)).toEqual(['x3']);
    const bad = await (async () => {
      for await (const _ of h.client.watchEvents({ eventTypes: ['Bad Type'] })) break;
    })().catch((e: unknown) => e);
    expect((bad as ConnectError).code).toBe(Code.InvalidArgument);
  });
});

describe('two replicas on one Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startRealtime({ replicas: 2 });
  });
  afterAll(() => h.stop());

  it('count every event once, though every message is published twice', async () => {
    const T = Date.now();
    const events = Array.from({ length: 200 }, (_, i) =>
      i % 10 === 9
        ? testEvent({
            id: `r${i}`,
            type: 'purchase',
            anon: `v${i % 50}`,
            session: `s${i % 50}`,
            at: T - i,
            orderId: `o${i}`,
            amount: 10.25,
          })
        : testEvent({
            id: `r${i}`,
            type: 'page_view',
            anon: `v${i % 50}`,
            session: `s${i % 50}`,
            at: T - i,
            page: '/x',
          }),
    );
    for (let i = 0; i < events.length; i += 10) {
      await h.publish(events.slice(i, i + 10));
      await h.publish(events.slice(i, i + 10));
    }
    await drained(h);
    for (const client of h.clients) {
      const { overview } = await client.getOverview({});
      expect(plain(overview)).toMatchObject({
        activeUsers: 50,
        activeSessions: 50,
        ordersToday: 20,
        revenueToday: 205,
        conversionRate: 10, // the 20 purchases fall on 5 of the 50 sessions: s9, s19, s29, s39, s49
      });
    }
  });
});

describe('with ENABLE_REALTIME_ANALYTICS=false', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startRealtime({ enabled: false });
  });
  afterAll(() => h.stop());

  it('answers every call with FailedPrecondition', async () => {
    const unary = await h.client.getOverview({}).catch((e: unknown) => e);
    expect(unary).toBeInstanceOf(ConnectError);
    expect((unary as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((unary as ConnectError).rawMessage).toBe(
      'real-time analytics is disabled on this server (ENABLE_REALTIME_ANALYTICS=false)',
    );
    const stream = await (async () => {
      for await (const _ of h.client.watchOverview({})) break;
    })().catch((e: unknown) => e);
    expect((stream as ConnectError).code).toBe(Code.FailedPrecondition);
  });
});
