import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectBus,
  eventSubject,
  provision,
  publishBatch,
  publishOne,
  type Bus,
  type OutgoingMessage,
} from './index.js';
import { destroyTopology, testTopology } from './testing.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const topo = testTopology();
const stream = topo.streams.events.name;
const encode = (s: string) => new TextEncoder().encode(s);

describe('publishBatch', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ url: NATS_URL, name: 'bus-publish-test' });
    await provision(bus.jsm, topo);
  });
  afterAll(async () => {
    await destroyTopology(bus.jsm, topo);
    await bus.close();
  });

  it('reports every message in order, with repeated msgIDs as duplicates of the first', async () => {
    // 1500 distinct ids, then ids 0..499 again: JetStream must store 1500 and flag the last 500.
    const messages: OutgoingMessage[] = Array.from({ length: 2000 }, (_, i) => ({
      subject: eventSubject(i % 2 ? 'page_view' : 'add_to_cart', topo),
      data: encode(`{"n":${i}}`),
      msgID: `evt-${i % 1500}`,
    }));
    const results = await publishBatch(bus.js, messages, { window: 256 });

    expect(results).toHaveLength(2000);
    expect(results.every((r) => r.ok)).toBe(true);
    const ok = results.map((r) => (r.ok ? r : { seq: -1, duplicate: false }));
    expect(ok.slice(0, 1500).every((r) => !r.duplicate)).toBe(true);
    expect(ok.slice(1500).every((r) => r.duplicate)).toBe(true);
    // A duplicate's PubAck names the sequence of the message first stored with that id.
    expect(ok.slice(1500).map((r) => r.seq)).toEqual(ok.slice(0, 500).map((r) => r.seq));
    expect(new Set(ok.slice(0, 1500).map((r) => r.seq)).size).toBe(1500);
    const { state } = await bus.jsm.streams.info(stream);
    expect(state.messages).toBe(1500);
  });

  it('adds the message headers and the injected (trace) headers', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [r] = await publishBatch(
      bus.js,
      [
        {
          subject: eventSubject('purchase', topo),
          data: encode('{}'),
          msgID: 'hdr-1',
          headers: { 'Shop-Id': 's1' },
        },
      ],
      { inject: (set) => set('traceparent', traceparent) },
    );
    expect(r).toMatchObject({ ok: true, duplicate: false });
    const stored = await bus.jsm.streams.getMessage(stream, { seq: r?.ok ? r.seq : 0 });
    expect(stored?.header.get('traceparent')).toBe(traceparent);
    expect(stored?.header.get('Shop-Id')).toBe('s1');
    expect(stored?.header.get('Nats-Msg-Id')).toBe('hdr-1');
  });

  it('reports a message no stream takes as failed, without failing the others', async () => {
    const results = await publishBatch(
      bus.js,
      [
        { subject: eventSubject('a', topo), data: encode('1'), msgID: 'mix-1' },
        { subject: `${topo.subjects.events}-nowhere.x`, data: encode('2'), msgID: 'mix-2' },
        { subject: eventSubject('a', topo), data: encode('3'), msgID: '' },
        { subject: eventSubject('a', topo), data: encode('4'), msgID: 'mix-4' },
      ],
      { timeoutMs: 2_000 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[2]).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('msgID is required') },
    });
  });

  it('publishOne has the same contract', async () => {
    const msg = { subject: eventSubject('login', topo), data: encode('{}'), msgID: 'one-1' };
    const first = await publishOne(bus.js, msg);
    const again = await publishOne(bus.js, msg);
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(again).toEqual({ ...first, duplicate: true });
  });
});
