import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BusHeaders,
  connectBus,
  deadLetterSubject,
  eventSubject,
  provision,
  publishBatch,
  runConsumer,
  type Bus,
  type JsMsg,
  type Outcome,
  type RunConsumerOptions,
  type RunningConsumer,
  type Topology,
  type TopologyOptions,
} from './index.js';
import { destroyTopology, testTopology } from './testing.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const OK: Outcome = { kind: 'ok' };
const text = (m: JsMsg) => new TextDecoder().decode(m.data);
/** Node 20 has no Promise.withResolvers. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const until = (check: () => void, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 20 });

describe('runConsumer', () => {
  let bus: Bus;
  const topologies: Topology[] = [];
  const runners: RunningConsumer[] = [];

  beforeAll(async () => {
    bus = await connectBus({ url: NATS_URL, name: 'bus-consume-test' });
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop({ abandon: true })));
    for (const t of topologies) await destroyTopology(bus.jsm, t);
    await bus.close();
  });

  /** A provisioned topology with `count` events published, and a way to run its event-store consumer. */
  async function setup(count: number, options: TopologyOptions = {}) {
    const topo = testTopology(options);
    topologies.push(topo);
    await provision(bus.jsm, topo);
    const results = await publishBatch(
      bus.js,
      Array.from({ length: count }, (_, i) => ({
        subject: eventSubject('page_view', topo),
        data: new TextEncoder().encode(`e${i}`),
        msgID: `e${i}`,
      })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const stream = topo.streams.events.name;
    const consumer = topo.consumers.eventStore.config.durable_name;
    const start = async (
      handle: RunConsumerOptions['handle'],
      more: Partial<RunConsumerOptions> = {},
    ): Promise<RunningConsumer> => {
      const runner = await runConsumer({
        js: bus.js,
        stream,
        consumer,
        batchSize: 100,
        flushIntervalMs: 50,
        handle,
        deadLetter: { subject: deadLetterSubject(consumer, topo) },
        ...more,
      });
      runners.push(runner);
      return runner;
    };
    const info = () => bus.jsm.consumers.info(stream, consumer);
    const deadLetters = async () =>
      (await bus.jsm.streams.info(topo.streams.deadLetters.name)).state.messages;
    return { topo, start, info, deadLetters };
  }

  it('delivers, acks after handle resolves, and leaves nothing pending', async () => {
    const { start, info } = await setup(3);
    const seen: string[] = [];
    const runner = await start(async (batch) => {
      seen.push(...batch.map(text));
      return batch.map(() => OK);
    });
    await until(() => expect(runner.stats.acked).toBe(3));
    await runner.stop();
    expect(seen).toEqual(['e0', 'e1', 'e2']);
    expect(runner.stats).toMatchObject({ delivered: 3, acked: 3, retried: 0, deadLettered: 0 });
    await until(async () =>
      expect(await info()).toMatchObject({
        num_pending: 0,
        num_ack_pending: 0,
        ack_floor: { stream_seq: 3 },
      }),
    );
  });

  it('cuts batches at batchSize, and flushes a partial batch after the interval', async () => {
    const { start } = await setup(25);
    const sizes: number[] = [];
    const runner = await start(
      async (batch) => {
        sizes.push(batch.length);
        return batch.map(() => OK);
      },
      { batchSize: 10, flushIntervalMs: 200 },
    );
    await until(() => expect(runner.stats.acked).toBe(25));
    await runner.stop();
    expect(sizes.every((n) => n <= 10)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.min(...sizes)).toBeLessThan(10); // the remainder did not wait for a full batch
  });

  it('cuts batches by bytes too, never past batchMaxBytes, across pulls of pullMessages', async () => {
    const { start } = await setup(25);
    const batches: string[][] = [];
    const runner = await start(
      async (batch) => {
        batches.push(batch.map(text));
        return batch.map(() => OK);
      },
      // Messages are 2 or 3 bytes (e0 … e24): a batch holds at most four of the first ten, two of the rest.
      { batchSize: 100, batchMaxBytes: 8, pullMessages: 3, flushIntervalMs: 200 },
    );
    await until(() => expect(runner.stats.acked).toBe(25));
    await runner.stop();
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`));
    expect(batches.every((b) => b.join('').length <= 8)).toBe(true);
    expect(batches.some((b) => b.length > 1)).toBe(true);
  });

  it('holds at most one pull ahead of a slow handler (consume() refetched on each missed heartbeat)', async () => {
    const { start, info } = await setup(200);
    const outstanding: number[] = [];
    let slow = 3;
    const runner = await start(
      async (batch) => {
        // Delivered and not yet acked: the batch in hand plus what was pulled ahead of it.
        outstanding.push((await info()).num_ack_pending);
        if (slow-- > 0) await new Promise((r) => setTimeout(r, 2_500));
        return batch.map(() => OK);
      },
      { batchSize: 10, pullMessages: 4, flushIntervalMs: 50 },
    );
    await until(() => expect(runner.stats.acked).toBe(200), 20_000);
    await runner.stop();
    // consume() had 108 outstanding here.
    expect(Math.max(...outstanding)).toBeLessThanOrEqual(10 + 4);
    expect(outstanding.length).toBeGreaterThanOrEqual(20);
  }, 30_000);

  it('redelivers a retried message after its delay', async () => {
    const { start } = await setup(1);
    const deliveries: { at: number; count: number }[] = [];
    const runner = await start(async (batch) =>
      batch.map((m): Outcome => {
        deliveries.push({ at: Date.now(), count: m.info.deliveryCount });
        return m.info.deliveryCount === 1 ? { kind: 'retry', delayMs: 500 } : OK;
      }),
    );
    await until(() => expect(runner.stats.acked).toBe(1));
    await runner.stop();
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(450);
    expect(runner.stats).toMatchObject({ delivered: 2, retried: 1, acked: 1 });
  });

  it('dead-letters with the reason and original coordinates, and does not redeliver', async () => {
    const { topo, start, info, deadLetters } = await setup(2, { ackWaitMs: 1_000 });
    const runner = await start(async (batch) =>
      batch.map((m): Outcome => (text(m) === 'e1' ? { kind: 'dead-letter', reason: 'bad\npayload' } : OK)),
    );
    await until(() => expect(runner.stats.deadLettered).toBe(1));
    const dl = await bus.jsm.streams.getMessage(topo.streams.deadLetters.name, { seq: 1 });
    expect(dl?.subject).toBe(deadLetterSubject(topo.consumers.eventStore.config.durable_name, topo));
    expect(new TextDecoder().decode(dl?.data)).toBe('e1');
    expect(dl?.header.get(BusHeaders.DeadLetterReason)).toBe('bad payload');
    expect(dl?.header.get(BusHeaders.OriginalSubject)).toBe(eventSubject('page_view', topo));
    expect(dl?.header.get(BusHeaders.OriginalSeq)).toBe('2');
    expect(dl?.header.get(BusHeaders.DeliveryCount)).toBe('1');
    expect(dl?.header.get(BusHeaders.OriginalMsgId)).toBe('e1');
    await new Promise((r) => setTimeout(r, 1_500)); // past ack_wait: a non-terminated message would be back
    await runner.stop();
    expect(runner.stats).toMatchObject({ delivered: 2, acked: 1, deadLettered: 1 });
    expect(await deadLetters()).toBe(1);
    expect(await info()).toMatchObject({ num_ack_pending: 0, num_redelivered: 0 });
  });

  it('dead-letters a message still failing at max_deliver instead of letting the server drop it', async () => {
    const { topo, start, deadLetters } = await setup(1, { maxDeliver: 3 });
    const runner = await start(async (batch) =>
      batch.map((): Outcome => ({ kind: 'retry', delayMs: 50, reason: 'db down' })),
    );
    await until(() => expect(runner.stats.deadLettered).toBe(1));
    await runner.stop();
    expect(runner.stats).toMatchObject({ delivered: 3, retried: 2, deadLettered: 1 });
    expect(await deadLetters()).toBe(1);
    const dl = await bus.jsm.streams.getMessage(topo.streams.deadLetters.name, { seq: 1 });
    expect(dl?.header.get(BusHeaders.DeadLetterReason)).toBe('gave up after 3 deliveries: db down');
    expect(dl?.header.get(BusHeaders.DeliveryCount)).toBe('3');
  });

  it('redelivers the whole batch when handle throws', async () => {
    const { start } = await setup(4);
    let calls = 0;
    const runner = await start(
      async (batch) => {
        calls += 1;
        if (calls === 1) throw new Error('commit failed');
        return batch.map(() => OK);
      },
      { failureDelayMs: 100 },
    );
    await until(() => expect(runner.stats.acked).toBe(4));
    await runner.stop();
    expect(runner.stats).toMatchObject({ handlerErrors: 1, retried: 4, acked: 4, delivered: 8 });
  });

  it('stop() lets the batch in hand finish and settle', async () => {
    const { start, info } = await setup(3);
    const gate = deferred();
    const entered = deferred();
    const runner = await start(async (batch) => {
      entered.resolve();
      await gate.promise;
      return batch.map(() => OK);
    });
    await entered.promise;
    const stopping = runner.stop();
    gate.resolve();
    await stopping;
    expect(runner.stats.acked).toBe(3);
    // Acks are fire-and-forget; the server applies them a moment later.
    await until(async () => expect(await info()).toMatchObject({ num_pending: 0, num_ack_pending: 0 }));
  });

  it('stop({ abandon: true }) settles nothing, and a new consumer gets the messages after ack_wait', async () => {
    const { start } = await setup(3, { ackWaitMs: 1_000 });
    const gate = deferred();
    const entered = deferred();
    const crashed = await start(async (batch) => {
      entered.resolve();
      await gate.promise;
      return batch.map(() => OK);
    });
    await entered.promise;
    const stopping = crashed.stop({ abandon: true });
    gate.resolve();
    await stopping;
    expect(crashed.stats.acked).toBe(0);

    const seen: { body: string; count: number }[] = [];
    const successor = await start(async (batch) => {
      seen.push(...batch.map((m) => ({ body: text(m), count: m.info.deliveryCount })));
      return batch.map(() => OK);
    });
    await until(() => expect(successor.stats.acked).toBe(3), 10_000);
    await successor.stop();
    expect(seen).toEqual([
      { body: 'e0', count: 2 },
      { body: 'e1', count: 2 },
      { body: 'e2', count: 2 },
    ]);
  });
});
