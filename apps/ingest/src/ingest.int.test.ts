import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { startPrivateNatsServer } from '@broxiva/bus/testing';
import { EventStatus, IngestService } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from './testing/ingest-harness.js';

const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const id = (n: number) => `0190f0c8-0000-7000-8000-${n.toString().padStart(12, '0')}`;
const pageView = (n: number, extra: object = {}) => ({
  eventId: id(n),
  eventType: 'page_view',
  userId: 'user_123',
  sessionId: 'sess_456',
  properties: { page: '/products/wireless-headphones', referrer: 'google.com' },
  ...extra,
});

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest({ maxEvents: 50, maxBytes: 64 * 1024 });
});
afterAll(async () => {
  await ingest.stop();
});

const violationsOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  return { code: err?.code, message: err?.rawMessage };
};

describe('Ingest over gRPC, on real NATS and Redis', () => {
  it('accepts the documented page_view, assigns a UUIDv7, enriches it and drops the IP', async () => {
    const { result } = await ingest.client.track({
      event: {
        eventType: 'page_view',
        userId: 'user_123',
        sessionId: 'sess_456',
        properties: { page: '/products/wireless-headphones', referrer: 'google.com' },
        context: { userAgent: UA, ip: '203.0.113.9', referrer: 'google.com' },
      },
    });
    expect(result?.status).toBe(EventStatus.ACCEPTED);
    expect(result?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stored = (await ingest.streamEvents()).find((e) => e.eventId === result?.eventId);
    expect(stored?.context?.ip).toBe('');
    expect(stored?.enrichment).toMatchObject({
      deviceType: 'mobile',
      os: 'iOS',
      isBot: false,
      channel: 'organic_search',
    });
    expect(stored?.receivedAt).toBeDefined();
  });

  it('accepts the good events of a mixed batch and names each bad one by index, field and rule', async () => {
    const res = await ingest.client.trackBatch({
      events: [
        pageView(1),
        { eventType: 'Bad Type', userId: 'u' },
        pageView(2),
        {
          eventType: 'purchase',
          userId: 'u',
          commerce: { orderId: 'o-1', revenue: { amount: -1, currency: 'XXY' } },
        },
        pageView(1),
      ],
    });
    expect(res.results.map((r) => [r.index, r.status])).toEqual([
      [0, EventStatus.ACCEPTED],
      [1, EventStatus.REJECTED],
      [2, EventStatus.ACCEPTED],
      [3, EventStatus.REJECTED],
      [4, EventStatus.DUPLICATE],
    ]);
    expect(res.results[1]?.violations.map((v) => [v.field, v.rule])).toEqual([['event_type', 'pattern']]);
    expect(res.results[3]?.violations.map((v) => [v.field, v.rule])).toEqual([
      ['commerce.revenue.amount', 'min'],
      ['commerce.revenue.currency', 'iso4217'],
    ]);
    expect([res.accepted, res.duplicates, res.rejected]).toEqual([2, 1, 2]);
  });

  it('answers a resend within the dedup window as duplicate and does not publish it again', async () => {
    const first = await ingest.client.trackBatch({ events: [pageView(10), pageView(11)] });
    const again = await ingest.client.trackBatch({ events: [pageView(11), pageView(12)] });
    expect(first.results.map((r) => r.status)).toEqual([EventStatus.ACCEPTED, EventStatus.ACCEPTED]);
    expect(again.results.map((r) => r.status)).toEqual([EventStatus.DUPLICATE, EventStatus.ACCEPTED]);
    const ids = (await ingest.streamEvents())
      .map((e) => e.eventId)
      .filter((x) => [id(10), id(11), id(12)].includes(x));
    expect(ids.sort()).toEqual([id(10), id(11), id(12)]);
  });

  it('refuses a whole batch beyond EVENT_BATCH_SIZE or the byte limit, naming the limit', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => pageView(100 + i));
    expect(await violationsOf(ingest.client.trackBatch({ events: tooMany }))).toEqual({
      code: Code.InvalidArgument,
      message: 'invalid request: events: a batch holds at most 50 events (EVENT_BATCH_SIZE); this one has 51',
    });
    const big = Array.from({ length: 3 }, (_, i) =>
      pageView(200 + i, { properties: { blob: 'x'.repeat(30_000) } }),
    );
    const refused = await violationsOf(ingest.client.trackBatch({ events: big }));
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.message).toMatch(
      /^invalid request: events: a batch is at most 65536 bytes; this one is \d+$/,
    );
    const published = (await ingest.streamEvents()).map((e) => e.eventId);
    expect(published).not.toContain(id(100));
    expect(published).not.toContain(id(200));
  });

  it.each([
    [{ eventType: '', userId: 'u' }, 'event_type: event_type is required'],
    [{ eventType: 'page_view' }, 'user_id: user_id or anonymous_id is required'],
    [{ eventType: 'page_view', userId: 'u', sessionId: 'a b' }, 'session_id: session_id must match'],
    [
      {
        eventType: 'page_view',
        userId: 'u',
        timestamp: timestampFromDate(new Date(Date.now() + 2 * 3_600_000)),
      },
      'timestamp: timestamp is more than 60 minutes in the future',
    ],
    [{ eventType: 'purchase', userId: 'u' }, 'commerce.order_id: a purchase needs an order id'],
  ])('refuses a bad Track with InvalidArgument naming field and rule (%#)', async (event, message) => {
    const err = await violationsOf(ingest.client.track({ event }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toContain(message);
  });

  it('corrects client clock skew with sent_at and keeps the original time', async () => {
    const now = Date.now();
    const skew = 3 * 86_400_000; // the client's clock is three days fast
    const { result } = await ingest.client.track({
      event: pageView(300, {
        timestamp: timestampFromDate(new Date(now + skew - 30_000)),
        sentAt: timestampFromDate(new Date(now + skew)),
      }),
    });
    expect(result?.status).toBe(EventStatus.ACCEPTED);
    const stored = (await ingest.streamEvents()).find((e) => e.eventId === id(300));
    const corrected = timestampDate(stored!.timestamp!).getTime();
    const received = timestampDate(stored!.receivedAt!).getTime();
    expect(received - corrected).toBe(30_000);
    expect(timestampDate(stored!.originalTimestamp!).getTime()).toBe(now + skew - 30_000);
  });
});

describe('Ingest over each protocol and encoding', () => {
  // Binary requests are served from each event's own encoding (encoded-requests.ts), JSON ones from the
  // decoded message: both must answer and publish alike.
  it.each([
    ['Connect with JSON', false, 500],
    ['Connect with protobuf', true, 600],
  ])('%s: same results and the same stored events as gRPC', async (_, useBinaryFormat, base) => {
    const connect = createClient(
      IngestService,
      createConnectTransport({
        baseUrl: `http://127.0.0.1:${ingest.server.httpPort}`,
        httpVersion: '1.1',
        useBinaryFormat,
      }),
    );
    const events = (n: number) => [
      pageView(n, { context: { userAgent: UA, ip: '203.0.113.9', country: 'de' } }),
      { eventType: 'Bad Type', userId: 'u' },
      {
        eventId: id(n + 1),
        eventType: 'purchase',
        userId: 'u',
        properties: { order_id: 'o-1', revenue: 20, currency: 'EUR' },
      },
      pageView(n),
    ];
    const viaGrpc = await ingest.client.trackBatch({ events: events(base) });
    const viaConnect = await connect.trackBatch({ events: events(base + 50) });
    const summary = (r: typeof viaGrpc) => r.results.map((x) => [x.index, x.status, x.violations.length]);
    expect(summary(viaConnect)).toEqual(summary(viaGrpc));
    expect((await connect.track({ event: pageView(base + 2) })).result?.status).toBe(EventStatus.ACCEPTED);
    const stored = await ingest.streamEvents();
    const comparable = (eventId: string) => {
      const e = stored.find((x) => x.eventId === eventId);
      return { ...e, eventId: '', timestamp: undefined, receivedAt: undefined };
    };
    expect(comparable(id(base + 50))).toEqual(comparable(id(base)));
    expect(comparable(id(base + 51))).toEqual(comparable(id(base + 1)));
    expect(comparable(id(base + 50)).context?.ip).toBe('');
    expect(comparable(id(base + 51)).commerce?.orderId).toBe('o-1');
  });
});

describe('Ingest when NATS is down', () => {
  it('answers Unavailable and never reports an event accepted', async () => {
    const nats = await startPrivateNatsServer();
    const own = await startIngest({ natsUrl: nats.url });
    try {
      expect((await own.client.track({ event: pageView(400) })).result?.status).toBe(EventStatus.ACCEPTED);
      await nats.stop();
      const err = await violationsOf(own.client.trackBatch({ events: [pageView(401), pageView(402)] }));
      expect(err.code).toBe(Code.Unavailable);
    } finally {
      await nats.stop();
      await own.stop();
    }
  });
});
