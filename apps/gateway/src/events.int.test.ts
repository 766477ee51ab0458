import { create, fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { connectBus, TOPOLOGY, type Bus } from '@broxiva/bus';
import { startPrivateNatsServer } from '@broxiva/bus/testing';
import { EventBatchSchema, EventSchema, type Event } from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { startTracing, type Tracing } from '@broxiva/telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventsGateway } from './testing/events-gateway.js';
import { startIngestProcess } from './testing/ingest-process.js';

// The event routes end to end: gateway → the real Ingest app (a child process) → a private NATS
// server with JetStream (which the last test takes away), Redis and a fresh event-store database.
// Tracing runs in this process (the gateway's spans, in memory) and in Ingest (printed by its console
// exporter), so one request's trace can be followed across both and into the NATS message.

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
const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(async () => {
  tracing = startTracing({ service: 'gateway', exporter, processor: 'simple' });
  [nats, db] = await Promise.all([startPrivateNatsServer(), withEventStoreDatabase()]);
  ingest = await startIngestProcess({
    natsUrl: nats.url,
    analyticsDatabaseUrl: db.url,
    env: { OTEL_TRACES_EXPORTER: 'console' },
  });
  gateway = await startEventsGateway(ingest.url);
  bus = await connectBus({ url: nats.url, name: 'gateway-test' });
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await bus?.close().catch(() => undefined);
  await ingest?.stop();
  await nats?.stop();
  await db?.drop();
  await tracing?.shutdown();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  gateway.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Every message Ingest published to the (private) stream: its events and its trace header. */
async function publishedMessages(): Promise<{ events: Event[]; traceparent: string | undefined }[]> {
  const name = TOPOLOGY.streams.events.name;
  const info = await bus.jsm.streams.info(name);
  const out: { events: Event[]; traceparent: string | undefined }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await bus.jsm.streams.getMessage(name, { seq });
    if (m === null) continue;
    const traceparent = m.header?.get('traceparent') || undefined;
    out.push({ events: fromBinary(EventBatchSchema, m.data).events, traceparent });
  }
  return out;
}

/** Every event Ingest published to the (private) stream. */
async function published(): Promise<Event[]> {
  return (await publishedMessages()).flatMap((m) => m.events);
}

/** The Ingest app's finished spans, from what its console exporter printed (`console.dir` of each span). */
function ingestSpans(): { name: string; traceId: string; id: string; kind: number; parentSpanId?: string }[] {
  return ingest.output
    .join('\n')
    .split(/\n(?=\{\n\s*resource:)/)
    .flatMap((chunk) => {
      // Two-space indent: the span's own fields, not those of its scope or parent.
      const name = /\n {2}name: '([^']+)'/.exec(chunk)?.[1];
      const traceId = /\n {2}traceId: '([0-9a-f]{32})'/.exec(chunk)?.[1];
      const id = /\n {2}id: '([0-9a-f]{16})'/.exec(chunk)?.[1];
      const kind = Number(/\n {2}kind: (\d)/.exec(chunk)?.[1]);
      const parent = /parentSpanContext: \{[^}]*spanId: '([0-9a-f]{16})'/.exec(chunk)?.[1];
      if (name === undefined || traceId === undefined || id === undefined) return [];
      return [{ name, traceId, id, kind, ...(parent === undefined ? {} : { parentSpanId: parent }) }];
    });
}

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = find();
    if (found !== undefined) return found;
    await sleep(50);
  }
  throw new Error(`never saw ${what}`);
}

describe('one trace from a REST call through the gateway and Ingest into NATS', () => {
  const TRACK = 'broxiva.analytics.ingest.v1.IngestService/Track';

  it('continues the caller’s traceparent in a gateway server span that parents the Connect call', async () => {
    exporter.reset();
    const traceId = randomUUID().replaceAll('-', '');
    const callerSpan = traceId.slice(0, 16);
    const res = await post(
      '/events/track',
      { ...documented, event_id: randomUUID() },
      { traceparent: `00-${traceId}-${callerSpan}-01` },
    );
    expect(res.status).toBe(200);
    const eventId = ((await res.json()) as { event_id: string }).event_id;
    await tracing.forceFlush();

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /events/track');
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/events/track',
      'http.response.status_code': 200,
    });
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.parentSpanContext?.spanId).toBe(callerSpan);
    const client = spans.find((s) => s.kind === SpanKind.CLIENT && s.name === TRACK);
    expect(client?.spanContext().traceId).toBe(traceId);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);

    // Ingest's server span for the call is the child of the gateway's client span, in the same trace…
    const ingestSpan = await eventually(
      () => ingestSpans().find((s) => s.name === TRACK && s.traceId === traceId),
      `Ingest's ${TRACK} span in trace ${traceId}`,
    );
    expect(ingestSpan.kind).toBe(SpanKind.SERVER);
    expect(ingestSpan.parentSpanId).toBe(client?.spanContext().spanId);
    // …and the NATS message carrying the event names that span as its parent, for the consumers.
    const message = (await publishedMessages()).find((m) => m.events.some((e) => e.eventId === eventId));
    expect(message?.traceparent).toBe(`00-${traceId}-${ingestSpan.id}-01`);
  });

  it('starts a new trace without a traceparent, and names an unmatched path by its method only', async () => {
    exporter.reset();
    expect((await post('/events/track', { ...documented, event_id: randomUUID() })).status).toBe(200);
    const unmatched = await gateway.fetch('/nowhere');
    expect(unmatched.status).toBe(404);
    await tracing.forceFlush();
    const servers = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    expect(servers.map((s) => s.name)).toEqual(['POST /events/track', 'GET']);
    expect(servers[0]?.parentSpanContext).toBeUndefined();
    expect(servers[1]?.attributes['http.route']).toBeUndefined();
    expect(servers[1]?.attributes['http.response.status_code']).toBe(404);
  });
});

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

  it('answers a burst of concurrent single events each on its own, sharing TrackBatch calls to Ingest', async () => {
    // Each request in its own trace: an Ingest TrackBatch span in one of them shows events were coalesced.
    const traces = new Set<string>();
    let coalesced = false;
    for (let attempt = 0; attempt < 3 && !coalesced; attempt++) {
      const sent = Array.from({ length: 40 }, (_, i) => ({
        event: { ...documented, event_id: randomUUID(), ...(i === 7 ? { event_type: 'Bad Type' } : {}) },
        traceId: randomUUID().replaceAll('-', ''),
      }));
      sent.forEach((s) => traces.add(s.traceId));
      const answers = await Promise.all(
        sent.map(async (s) => {
          const res = await post('/events/track', s.event, {
            traceparent: `00-${s.traceId}-${s.traceId.slice(0, 16)}-01`,
          });
          return [res.status, (await res.json()) as Record<string, unknown>] as const;
        }),
      );
      answers.forEach(([status, body], i) => {
        if (i === 7) {
          expect([status, body['code'], body['violations']]).toEqual([
            400,
            'invalid_argument',
            [expect.objectContaining({ field: 'event_type', rule: 'pattern' })],
          ]);
        } else {
          expect([status, body['event_id'], body['status'], body['index']]).toEqual([
            200,
            sent[i]?.event.event_id,
            'accepted',
            0,
          ]);
        }
      });
      const ids = new Set((await published()).map((e) => e.eventId));
      expect(sent.filter((x, i) => i !== 7 && !ids.has(x.event.event_id))).toEqual([]);
      await sleep(300); // Ingest's console exporter prints its spans as they end
      coalesced = ingestSpans().some(
        (span) =>
          span.name.endsWith('/TrackBatch') && span.kind === SpanKind.SERVER && traces.has(span.traceId),
      );
    }
    expect(coalesced).toBe(true);
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

  it('answers 503 with Retry-After when NATS is down (its server span marked failed)', async () => {
    await nats.stop();
    exporter.reset();
    const res = await post('/events/track', { ...documented, event_id: randomUUID() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('unavailable');
    await tracing.forceFlush();
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect([server?.attributes['http.response.status_code'], server?.status.code]).toEqual([
      503,
      SpanStatusCode.ERROR,
    ]);
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
