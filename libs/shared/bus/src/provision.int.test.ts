import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, provision, topology, TopologyConflictError, type Bus, type Topology } from './index.js';
import { destroyTopology, TEST_LIMITS, testPrefix, testTopology } from './testing.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const NS_PER_MS = 1_000_000;

describe('provision', () => {
  let bus: Bus;
  const created: Topology[] = [];
  const fresh = (options: Parameters<typeof testTopology>[0] = {}) => {
    const t = testTopology(options);
    created.push(t);
    return t;
  };

  beforeAll(async () => {
    bus = await connectBus({ url: NATS_URL, name: 'bus-provision-test' });
  });
  afterAll(async () => {
    for (const t of created) await destroyTopology(bus.jsm, t);
    await bus.close();
  });

  it('creates streams and consumers once, then is a no-op', async () => {
    const t = fresh({ dedupWindowMs: 90_000 });
    const first = await provision(bus.jsm, t);
    const names = [
      `stream ${t.streams.events.name}`,
      `stream ${t.streams.deadLetters.name}`,
      `consumer ${t.streams.events.name}/${t.consumers.eventStore.config.durable_name}`,
      `consumer ${t.streams.events.name}/${t.consumers.realtime.config.durable_name}`,
    ];
    expect(first).toEqual({ created: names, updated: [], unchanged: [] });
    expect(await provision(bus.jsm, t)).toEqual({ created: [], updated: [], unchanged: names });

    const { config } = await bus.jsm.streams.info(t.streams.events.name);
    expect(config).toMatchObject({
      subjects: [`${t.subjects.events}.>`],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      duplicate_window: 90_000 * NS_PER_MS,
      max_age: 3_600_000 * NS_PER_MS,
    });
    const dlq = await bus.jsm.streams.info(t.streams.deadLetters.name);
    expect(dlq.config).toMatchObject({ subjects: [`${t.subjects.deadLetters}.>`], storage: 'file' });
    const ci = await bus.jsm.consumers.info(
      t.streams.events.name,
      t.consumers.eventStore.config.durable_name,
    );
    expect(ci.config).toMatchObject({
      ack_policy: 'explicit',
      filter_subject: `${t.subjects.events}.>`,
      max_deliver: 5,
      ack_wait: 30_000 * NS_PER_MS,
      max_ack_pending: 20_000,
    });
  });

  it('updates drifted settings in place, keeping the data', async () => {
    const prefix = testPrefix();
    const before = fresh({ prefix });
    await provision(bus.jsm, before);
    await bus.js.publish(`${before.subjects.events}.page_view`, new Uint8Array([1]), { msgID: 'kept' });
    const after = topology({
      ...TEST_LIMITS,
      prefix,
      dedupWindowMs: 30_000,
      maxDeliver: 7,
      ackWaitMs: 10_000,
    });
    const report = await provision(bus.jsm, after);
    expect(report.updated).toEqual([
      `stream ${after.streams.events.name}`,
      `stream ${after.streams.deadLetters.name}`,
      `consumer ${after.streams.events.name}/${after.consumers.eventStore.config.durable_name}`,
      `consumer ${after.streams.events.name}/${after.consumers.realtime.config.durable_name}`,
    ]);
    const si = await bus.jsm.streams.info(after.streams.events.name);
    expect(si.config.duplicate_window).toBe(30_000 * NS_PER_MS);
    expect(si.state.messages).toBe(1);
    const ci = await bus.jsm.consumers.info(
      after.streams.events.name,
      after.consumers.realtime.config.durable_name,
    );
    expect(ci.config).toMatchObject({ max_deliver: 7, ack_wait: 10_000 * NS_PER_MS });
    expect((await provision(bus.jsm, after)).updated).toEqual([]);
  });

  it('refuses to change what JetStream cannot change in place', async () => {
    const t = fresh();
    await bus.jsm.streams.add({
      name: t.streams.events.name,
      subjects: [...t.streams.events.subjects],
      storage: 'memory',
    });
    const err = await provision(bus.jsm, t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyConflictError);
    expect((err as Error).message).toBe(
      `stream ${t.streams.events.name} exists with different storage; these cannot be updated in place`,
    );
  });
});
