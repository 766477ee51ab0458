import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BusHeaders,
  connectBus,
  deadLetterSubject,
  eventSubject,
  listDeadLetters,
  originalMsgId,
  provision,
  publishBatch,
  replayDeadLetters,
  runConsumer,
  type Bus,
  type Outcome,
} from './index.js';
import { destroyTopology, testTopology } from './testing.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const topo = testTopology();
const events = topo.streams.events.name;
const consumer = topo.consumers.eventStore.config.durable_name;
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('dead letters', () => {
  let bus: Bus;

  beforeAll(async () => {
    bus = await connectBus({ url: NATS_URL, name: 'bus-dead-letters-test' });
    await provision(bus.jsm, topo);
    // e0..e4 published; the consumer dead-letters the odd ones (with a trace header to carry through).
    await publishBatch(
      bus.js,
      Array.from({ length: 5 }, (_, i) => ({
        subject: eventSubject(i === 3 ? 'purchase' : 'page_view', topo),
        data: new TextEncoder().encode(`e${i}`),
        msgID: `e${i}`,
        headers: { traceparent: `t${i}` },
      })),
    );
    const runner = await runConsumer({
      js: bus.js,
      stream: events,
      consumer,
      batchSize: 10,
      flushIntervalMs: 50,
      deadLetter: { subject: deadLetterSubject(consumer, topo) },
      handle: async (batch) =>
        batch.map((m): Outcome =>
          m.seq % 2 === 0 ? { kind: 'dead-letter', reason: `bad ${text(m.data)}` } : { kind: 'ok' },
        ),
    });
    await vi.waitFor(() => expect(runner.stats.deadLettered).toBe(2), { timeout: 5_000, interval: 20 });
    await runner.stop();
  });
  afterAll(async () => {
    await destroyTopology(bus.jsm, topo);
    await bus.close();
  });

  it('lists dead letters oldest first with their reason and origin', async () => {
    const all = await listDeadLetters(bus.jsm, topo, { limit: 10 });
    expect(all.map((d) => ({ ...d, time: undefined, headers: undefined }))).toEqual([
      {
        seq: 1,
        time: undefined,
        reason: 'bad e1',
        consumer,
        originalSubject: eventSubject('page_view', topo),
        originalStream: events,
        originalSeq: 2,
        deliveryCount: 1,
        msgID: 'e1',
        data: new TextEncoder().encode('e1'),
        headers: undefined,
      },
      expect.objectContaining({
        seq: 2,
        reason: 'bad e3',
        originalSubject: eventSubject('purchase', topo),
        msgID: 'e3',
      }),
    ]);
    expect(all[0]?.headers.traceparent).toBe('t1');
    expect((await listDeadLetters(bus.jsm, topo, { limit: 1 })).map((d) => d.seq)).toEqual([1]);
    expect(await listDeadLetters(bus.jsm, topo, { limit: 10, consumer: 'someone-else' })).toEqual([]);
  });

  it('replays to the original subject inside the dedup window, then removes the dead letter', async () => {
    const before = (await bus.jsm.streams.info(events)).state.last_seq;
    const report = await replayDeadLetters(bus.js, topo, { limit: 10, filter: (d) => d.reason === 'bad e3' });
    expect(report).toEqual({ replayed: 1, failed: [] });

    // Stored again although e3's first publish is well inside the 10-minute window: a new msgID.
    const replayed = await bus.jsm.streams.getMessage(events, { seq: before + 1 });
    expect(replayed?.subject).toBe(eventSubject('purchase', topo));
    expect(text(replayed!.data)).toBe('e3');
    expect(replayed?.header.get(BusHeaders.MsgId)).toBe('e3:replay:2');
    expect(originalMsgId(replayed?.header)).toBe('e3');
    expect(replayed?.header.get('traceparent')).toBe('t3');
    expect(replayed?.header.has(BusHeaders.DeadLetterReason)).toBe(false);

    expect((await listDeadLetters(bus.jsm, topo, { limit: 10 })).map((d) => d.reason)).toEqual(['bad e1']);
    expect(await replayDeadLetters(bus.js, topo, { limit: 10 })).toEqual({ replayed: 1, failed: [] });
    expect(await listDeadLetters(bus.jsm, topo, { limit: 10 })).toEqual([]);
    expect((await bus.jsm.streams.info(events)).state.last_seq).toBe(before + 2);
  });
});
