import { describe, expect, it } from 'vitest';
import { anomalyAlertSubject, deadLetterSubject, eventSubject, topology, TOPOLOGY } from './index.js';

const NS_PER_MS = 1_000_000;

describe('topology', () => {
  it('declares the production streams and consumers', () => {
    expect(TOPOLOGY.streams.events).toEqual({
      name: 'EVENTS',
      description: expect.any(String),
      subjects: ['analytics.events.>'],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      max_age: 48 * 3_600_000 * NS_PER_MS,
      max_bytes: 200 * 1024 ** 3,
      duplicate_window: 10 * 60_000 * NS_PER_MS,
      num_replicas: 1,
    });
    expect(TOPOLOGY.streams.deadLetters).toMatchObject({
      name: 'DEAD_LETTERS',
      subjects: ['analytics.dlq.>'],
      storage: 'file',
      max_age: 14 * 24 * 3_600_000 * NS_PER_MS,
    });
    expect(TOPOLOGY.consumers.eventStore).toEqual({
      stream: 'EVENTS',
      owner: 'metrics',
      config: {
        durable_name: 'event-store',
        description: expect.any(String),
        filter_subject: 'analytics.events.>',
        ack_policy: 'explicit',
        deliver_policy: 'all',
        replay_policy: 'instant',
        ack_wait: 30_000 * NS_PER_MS,
        max_deliver: 5,
        max_ack_pending: 20_000,
      },
    });
    expect(TOPOLOGY.consumers.realtime).toMatchObject({
      owner: 'realtime',
      config: { durable_name: 'realtime' },
    });
  });

  it('gives every name the prefix and takes limits as parameters', () => {
    const t = topology({
      prefix: 't1',
      dedupWindowMs: 2_000,
      eventsMaxAgeMs: 60_000,
      maxDeliver: 2,
      replicas: 3,
    });
    expect(t.streams.events).toMatchObject({
      name: 't1_EVENTS',
      subjects: ['t1.analytics.events.>'],
      max_age: 60_000 * NS_PER_MS,
      duplicate_window: 2_000 * NS_PER_MS,
      num_replicas: 3,
    });
    expect(t.streams.deadLetters.name).toBe('t1_DEAD_LETTERS');
    expect(t.consumers.realtime).toMatchObject({
      stream: 't1_EVENTS',
      config: { durable_name: 't1_realtime', filter_subject: 't1.analytics.events.>', max_deliver: 2 },
    });
    expect(eventSubject('page_view', t)).toBe('t1.analytics.events.page_view');
    expect(deadLetterSubject('t1_realtime', t)).toBe('t1.analytics.dlq.t1_realtime');
  });

  it('keeps the dedup window within max_age, which JetStream requires', () => {
    const t = topology({ dedupWindowMs: 600_000, deadLettersMaxAgeMs: 60_000 });
    expect(t.streams.deadLetters.duplicate_window).toBe(60_000 * NS_PER_MS);
  });

  it('builds subjects from single tokens only', () => {
    expect(eventSubject('add_to_cart')).toBe('analytics.events.add_to_cart');
    expect(deadLetterSubject('event-store')).toBe('analytics.dlq.event-store');
    expect(anomalyAlertSubject('orders')).toBe('analytics.alerts.anomaly.orders');
    expect(anomalyAlertSubject('orders', topology({ prefix: 't1' }))).toBe(
      't1.analytics.alerts.anomaly.orders',
    );
    expect(() => eventSubject('a.b')).toThrow('event type must be one subject token');
    expect(() => eventSubject('>')).toThrow(RangeError);
    expect(() => eventSubject('')).toThrow(RangeError);
    expect(() => topology({ prefix: 'a.b' })).toThrow('topology prefix must match');
  });
});
