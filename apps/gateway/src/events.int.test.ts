import { create, fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { connectBus, TOPOLOGY, type Bus } from '@broxiva/bus';
import { startPrivateNatsServer } from '@broxiva/bus/testing';
import { EventBatchSchema, EventSchema, type Event } from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventsGateway } from './testing/events-gateway.js';
import { startIngestProcess } from './testing/ingest-process.js';

// The event routes end to end: gateway → the real Ingest app (a child process) → a private NATS
// server with JetStream (which the last test takes away), Redis and a fresh event-store database.

const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const documented = {
  event_type: 'page_view',
  user_id: 'user_123',
  session_id: 'sess_456',
  properties: { page: '/products/wireless-headphones', referrer: 'google.com' },
};

let nats: Awaited<ReturnType<typeof startPrivateNatsServer>>;
let ingest: Awaited<ReturnType<typeof startIngestProcess>>;
let gateway: Awaited<ReturnType<typeof startEventsGateway>>;
let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
let bus: Bus;

beforeAll(async () => {
  [nats, db] = await Promise.all([startPrivateNatsServer(), withEventStoreDatabase()]);
  ingest = await startIngestProcess({ natsUrl: nats.url, analyticsDatabaseUrl: db.url });
  gateway = await startEventsGateway(ingest.url);
  bus = await connectBus({ url: nats.url, name: 'gateway-test' });
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await bus?.close().catch(() => undefined);
  await ingest?.stop();
  await nats?.stop();
  await db?.drop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  gateway.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Every event Ingest published to the (private) stream. */
async function published(): Promise<Event[]> {
  const name = TOPOLOGY.streams.events.name;
  const info = await bus.jsm.streams.info(name);
  const events: Event[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await bus.jsm.streams.getMessage(name, { seq });
    if (m !== null) events.push(...fromBinary(EventBatchSchema, m.data).events);
  }
  return events;
}

describe('event routes against the real Ingest app', () => {
  it('POST /events/track takes the documented body, fills the user agent and answers the result', async () => {
    const res = await post('/events/track', documented, { 'user-agent': UA });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      index: 0,
      event_id: expect.stringMatching(UUID_V7),
      status: 'accepted',
      violations: [],
      historical: false,
    });
    const stored = (await published()).find((e) => e.eventId === body['event_id']);
    expect(stored?.properties).toEqual(documented.properties);
    expect(stored?.enrichment).toMatchObject({ deviceType: 'mobile', os: 'iOS', isBot: false });
  });

  it('answers duplicate for a resent event_id', async () => {
    const event = { ...documented, event_id: randomUUID() };
    expect(((await (await post('/events/track', event)).json()) as { status: string }).status).toBe(
      'accepted',
    );
    const again = await post('/events/track', event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ event_id: event.event_id, status: 'duplicate' });
  });

  it("passes Ingest's field violations through as 400", async () => {
    const res = await post('/events/track', { event_type: 'Bad Type', session_id: 's' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; violations: { field: string; rule: string }[] };
    expect(body.code).toBe('invalid_argument');
    expect(body.violations.map((v) => [v.field, v.rule])).toEqual([
      ['event_type', 'pattern'],
      ['user_id', 'required_one_of'],
    ]);
  });

  it('POST /events/batch with the documented three events: 200, all accepted', async () => {
    const res = await post('/events/batch', [
      {
        event_type: 'product_view',
        user_id: 'user_123',
        properties: { product_id: 'p-1', price: 129.9, currency: 'EUR' },
      },
      {
        event_type: 'add_to_cart',
        user_id: 'user_123',
        properties: { product_id: 'p-1', price: 129.9, currency: 'EUR', quantity: 1 },
      },
      {
        event_type: 'purchase',
        user_id: 'user_123',
        commerce: { order_id: 'o-1', revenue: { amount: 129.9, currency: 'EUR' } },
      },
    ]);
    const body = (await res.json()) as { results: { index: number; status: string }[] };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    expect(body.results.map((r) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'accepted'],
      [2, 'accepted'],
    ]);
  });

  it('POST /events/batch, some rejected by the gateway or by Ingest: 207 with a result per index', async () => {
    const res = await post('/events/batch', [
      { event_type: 'page_view', user_id: 'u1' },
      { event_type: 'page_view', user_id: 'u1', colour: 'red' },
      { event_type: 'Nope', user_id: 'u1' },
      { event_type: 'page_view', user_id: 42 },
      { event_type: 'search', anonymous_id: 'anon-1', properties: { query: 'headphones' } },
    ]);
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      results: { index: number; status: string; violations: { field: string; rule: string }[] }[];
    };
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 3 });
    expect(
      body.results.map((r) => [r.index, r.status, r.violations.map((v) => `${v.field}:${v.rule}`)]),
    ).toEqual([
      [0, 'accepted', []],
      [1, 'rejected', ['colour:unknown_field']],
      [2, 'rejected', ['event_type:pattern']],
      [3, 'rejected', ['user_id:type']],
      [4, 'accepted', []],
    ]);
  });

  it('POST /events/batch with every event rejected: 400 with the per-item detail', async () => {
    const res = await post('/events/batch', [{ event_type: 'page_view' }, { nope: true }]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { rejected: number; results: { status: string }[] };
    expect(body.rejected).toBe(2);
    expect(body.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('GET /events/{event_id}: the stored event, 404 for an unknown id, 400 for a malformed one', async () => {
    const id = randomUUID();
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const at = timestampFromDate(new Date('2025-12-04T10:30:00Z'));
    await write([
      create(EventSchema, {
        eventId: id,
        eventType: 'page_view',
        userId: 'user_123',
        sessionId: 'sess_456',
        timestamp: at,
        receivedAt: at,
        properties: { page: '/products/wireless-headphones' },
      }),
    ]);
    const res = await gateway.fetch(`/events/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      event_id: id,
      event_type: 'page_view',
      user_id: 'user_123',
      session_id: 'sess_456',
      timestamp: '2025-12-04T10:30:00Z',
      properties: { page: '/products/wireless-headphones' },
    });
    const missing = await gateway.fetch(`/events/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('not_found');
    const bad = await gateway.fetch('/events/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'event_id', rule: 'uuid' }],
    });
  });

  it('answers 4xx to malformed, mistyped, unknown, deep and huge bodies, and still serves afterwards', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const cases: [string, RequestInit, number][] = [
      ['not json', { body: '{"event_type": "page_view",' }, 400],
      ['empty', { body: '' }, 400],
      ['a number', { body: '42' }, 400],
      ['an array', { body: '[]' }, 400],
      ['null', { body: 'null' }, 400],
      ['wrong types', { body: JSON.stringify({ event_type: 7, user_id: ['x'], properties: 'no' }) }, 400],
      ['unknown field', { body: JSON.stringify({ ...documented, shoe_size: 44 }) }, 400],
      ['camelCase names', { body: JSON.stringify({ eventType: 'page_view', userId: 'u' }) }, 400],
      ['bad timestamp', { body: JSON.stringify({ ...documented, timestamp: 'yesterday' }) }, 400],
      [
        'bad money',
        { body: JSON.stringify({ ...documented, commerce: { revenue: { amount: '1e999' } } }) },
        400,
      ],
      ['deep nesting', { body: deep }, 400],
      [
        'deep properties',
        {
          body: `{"event_type":"page_view","user_id":"u","properties":${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`,
        },
        400,
      ],
      [
        'huge body',
        { body: JSON.stringify({ ...documented, properties: { blob: 'x'.repeat(7 * 1024 * 1024) } }) },
        413,
      ],
      [
        'form content type',
        { body: 'event_type=page_view', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        415,
      ],
      ['lone surrogate and NUL', { body: '{"event_type":"page_view","user_id":"\\ud800\\u0000"}' }, 400],
      ['prototype keys', { body: '{"__proto__":{"x":1},"event_type":"page_view","user_id":"u"}' }, 400],
    ];
    for (const [name, init, status] of cases) {
      const res = await gateway.fetch('/events/track', {
        method: 'POST',
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });
      expect([name, res.status]).toEqual([name, status]);
      const body = (await res.json()) as { code: string };
      expect(typeof body.code, name).toBe('string');
    }
    // Random bytes and random JSON values: 4xx every time, never a 5xx.
    for (let i = 0; i < 60; i++) {
      const body = i % 2 === 0 ? randomJunk(i) : JSON.stringify(randomValue(i, 0));
      const res = await post(i % 3 === 0 ? '/events/batch' : '/events/track', body);
      if (res.status !== 200 && res.status !== 207) expect([body, res.status < 500]).toEqual([body, true]);
      await res.arrayBuffer();
    }
    expect((await post('/events/track', documented)).status).toBe(200);
  });

  it('answers 503 with Retry-After when NATS is down', async () => {
    await nats.stop();
    const res = await post('/events/track', { ...documented, event_id: randomUUID() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('unavailable');
  }, 20_000);
});

// Deterministic "random" input, so a failure can be replayed.
function rng(seed: number) {
  let s = seed * 2654435761 + 1;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
function randomJunk(seed: number): string {
  const r = rng(seed);
  const chars = '{}[]":,0123456789abcdefnulltrue\\ \u00e9\u0000';
  return Array.from({ length: 1 + Math.floor(r() * 200) }, () => chars[Math.floor(r() * chars.length)]).join(
    '',
  );
}
function randomValue(seed: number, depth: number): unknown {
  const r = rng(seed + depth * 7919);
  const keys = ['event_type', 'user_id', 'properties', 'context', 'commerce', 'timestamp', 'x', 'items'];
  const pick = Math.floor(r() * 7);
  if (depth > 3 || pick === 0) return Math.floor(r() * 1e6) - 5e5;
  if (pick === 1) return 'page_view';
  if (pick === 2) return null;
  if (pick === 3) return r() > 0.5;
  if (pick === 4) return [randomValue(seed + 1, depth + 1), randomValue(seed + 2, depth + 1)];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < 3; i++)
    out[keys[Math.floor(r() * keys.length)] as string] = randomValue(seed + i + 3, depth + 1);
  return out;
}
