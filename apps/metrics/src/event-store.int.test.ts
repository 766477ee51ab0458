import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  connectBus,
  deadLetterSubject,
  eventSubject,
  listDeadLetters,
  provision,
  publishBatch,
  replayDeadLetters,
  runConsumer,
  type Bus,
  type RunningConsumer,
  type Topology,
} from '@broxiva/bus';
import { destroyTopology, testTopology } from '@broxiva/bus/testing';
import { EventBatchSchema, EventSchema, type Event } from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { testEventId } from '@broxiva/event-store/testing';
import { withAnalyticsDatabase } from '@broxiva/metrics-data-access/testing';
import { createLogger } from '@broxiva/telemetry';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventStoreHandler } from './consumers/event-store-handler.js';
import { startEventStorePipeline } from './event-store-pipeline.js';

const logger = createLogger({ service: 'metrics-test', level: 'FATAL' });
const id = testEventId;
const at = new Date('2025-12-04T10:00:00Z');
const event = (n: number): Event =>
  create(EventSchema, {
    eventId: id(n),
    eventType: 'page_view',
    userId: `user_${n % 7}`,
    timestamp: timestampFromDate(new Date(at.getTime() + n * 1000)),
    receivedAt: timestampFromDate(new Date(at.getTime() + n * 1000)),
  });
const message = (topo: Topology, events: Event[], msgID: string) => ({
  subject: eventSubject('page_view', topo),
  data: toBinary(EventBatchSchema, create(EventBatchSchema, { events })),
  msgID,
});

let topo: Topology;
let bus: Bus;
let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
beforeEach(async () => {
  topo = testTopology({ ackWaitMs: 1_500, maxDeliver: 3 });
  bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'metrics-test' });
  await provision(bus.jsm, topo);
  db = await withAnalyticsDatabase();
});
afterEach(async () => {
  await destroyTopology(bus.jsm, topo);
  await bus.close();
  await db.drop();
});

const stored = async () =>
  (
    await db.pool.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM events',
    )
  ).rows[0];

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

const drained = async () => {
  const info = await bus.jsm.consumers.info(
    topo.streams.events.name,
    topo.consumers.eventStore.config.durable_name,
  );
  return info.num_pending === 0 && info.num_ack_pending === 0;
};

describe('event store consumer, exactly once', () => {
  it('stores each accepted event once when the writer dies mid-stream without acking', async () => {
    // 200 distinct events in 40 messages; 30 of them sent again in 6 more messages (resends after the
    // dedup window), so the stream holds 230 event copies.
    const msgs = Array.from({ length: 40 }, (_, m) =>
      message(
        topo,
        Array.from({ length: 5 }, (_, i) => event(m * 5 + i)),
        `m${m}`,
      ),
    );
    const resends = Array.from({ length: 6 }, (_, m) =>
      message(
        topo,
        Array.from({ length: 5 }, (_, i) => event(m * 25 + i)),
        `r${m}`,
      ),
    );
    const acks = await publishBatch(bus.js, [...msgs, ...resends]);
    expect(acks.every((a) => a.ok)).toBe(true);

    // Writer A commits its first batch, then "dies" before acking anything.
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    const handle = createEventStoreHandler({ write });
    const consumer = topo.consumers.eventStore.config.durable_name;
    const crashed: RunningConsumer = await runConsumer({
      js: bus.js,
      stream: topo.streams.events.name,
      consumer,
      batchSize: 8,
      flushIntervalMs: 200,
      deadLetter: { subject: deadLetterSubject(consumer, topo) },
      handle: async (batch) => {
        const outcomes = await handle(batch);
        void crashed.stop({ abandon: true });
        return outcomes;
      },
    });
    await until(async () => ((await stored())?.n ?? 0) > 0);
    await crashed.stop({ abandon: true });
    const afterCrash = await stored();
    expect(afterCrash?.n).toBe(40); // 8 messages of 5 events, written but never acked

    // Writer B takes over: the unacked batch comes back after ack_wait and is skipped by the store.
    const pipeline = await startEventStorePipeline({
      js: bus.js,
      topology: topo,
      pool: db.pool,
      batchSize: 10,
      flushIntervalMs: 200,
      logger,
    });
    try {
      await until(drained);
      expect(await stored()).toEqual({ n: 200, d: 200 });
      expect(pipeline.stats.deadLettered).toBe(0);
      // The pipeline's writes marked their hour for the rollup worker in the same transaction.
      const dirty = await db.pool.query<{ hour: Date }>('SELECT hour FROM rollup_dirty');
      expect(dirty.rows.map((r) => r.hour.toISOString())).toEqual(['2025-12-04T10:00:00.000Z']);
    } finally {
      await pipeline.stop();
    }
  });
});

describe('event store consumer, dead letters', () => {
  it('dead-letters poison messages, keeps their good neighbours, and lists them', async () => {
    const bad = create(EventBatchSchema, { events: [event(1), { ...event(2), eventId: 'not-a-uuid' }] });
    await publishBatch(bus.js, [
      message(topo, [event(3)], 'good'),
      {
        subject: eventSubject('page_view', topo),
        data: new Uint8Array([0xff, 0xff, 0xff]),
        msgID: 'garbage',
      },
      { subject: eventSubject('page_view', topo), data: toBinary(EventBatchSchema, bad), msgID: 'half-bad' },
    ]);
    const pipeline = await startEventStorePipeline({
      js: bus.js,
      topology: topo,
      pool: db.pool,
      batchSize: 10,
      flushIntervalMs: 200,
      logger,
    });
    try {
      await until(drained);
      expect(await stored()).toEqual({ n: 2, d: 2 }); // events 3 and 1
      const letters = await listDeadLetters(bus.jsm, topo, { limit: 10 });
      expect(letters.map((l) => [l.msgID, l.reason.split(':')[0]])).toEqual([
        ['garbage', 'undecodable message'],
        ['half-bad', '1 events without a UUID, timestamp or received_at'],
      ]);
    } finally {
      await pipeline.stop();
    }
  });

  it('dead-letters a batch the store keeps failing on, and a replay stores it once the store is back', async () => {
    await db.pool.query('ALTER TABLE events RENAME TO events_away'); // the store is broken
    await publishBatch(bus.js, [message(topo, [event(1), event(2)], 'a')]);
    const pipeline = await startEventStorePipeline({
      js: bus.js,
      topology: topo,
      pool: db.pool,
      batchSize: 10,
      flushIntervalMs: 100,
      failureDelayMs: 100,
      logger,
    });
    try {
      await until(async () => (await listDeadLetters(bus.jsm, topo, { limit: 10 })).length === 1);
      expect(pipeline.stats.handlerErrors).toBe(3); // max_deliver
      await db.pool.query('ALTER TABLE events_away RENAME TO events');
      expect(await replayDeadLetters(bus.js, topo, { limit: 10 })).toMatchObject({ replayed: 1 });
      await until(async () => (await stored())?.n === 2);
      await until(drained);
      expect(await listDeadLetters(bus.jsm, topo, { limit: 10 })).toEqual([]);
    } finally {
      await pipeline.stop();
    }
  });
});
