import { describe, expect, it } from 'vitest';
import { emptyContext, type EventInput } from './event.js';
import { prepareEvent, type PrepareDeps } from './prepare-event.js';
import { eventInput } from './testing.js';

const now = new Date('2025-12-04T10:30:00Z');
const deps: PrepareDeps = {
  rules: {
    maxFutureMs: 3_600_000,
    maxAgeMs: 90 * 86_400_000,
    maxPropertiesBytes: 32 * 1024,
    historicalAfterMs: 86_400_000,
    defaultCurrency: 'USD',
  },
  newId: () => '0190f0c8-0000-7000-8000-000000000001',
};

const violationsOf = (input: EventInput) => {
  const r = prepareEvent(input, now, deps);
  return r.kind === 'rejected' ? r.violations.map((v) => [v.field, v.rule]) : [];
};

describe('prepareEvent: validation', () => {
  it.each<[string, Partial<EventInput>, [string, string][]]>([
    ['missing event_type', { eventType: '' }, [['event_type', 'required']]],
    ['event_type with capitals', { eventType: 'PageView' }, [['event_type', 'pattern']]],
    ['event_type too long', { eventType: `a${'b'.repeat(64)}` }, [['event_type', 'pattern']]],
    ['no user at all', { userId: '', anonymousId: '' }, [['user_id', 'required_one_of']]],
    ['user id too long', { userId: 'u'.repeat(257) }, [['user_id', 'max_length']]],
    ['session id with spaces', { sessionId: 'sess 456' }, [['session_id', 'pattern']]],
    ['event id not a uuid', { eventId: 'abc' }, [['event_id', 'uuid']]],
    [
      'timestamp 2 h ahead',
      { timestamp: new Date('2025-12-04T12:31:00Z') },
      [['timestamp', 'not_in_future']],
    ],
    ['timestamp 91 days old', { timestamp: new Date('2025-09-04T10:00:00Z') }, [['timestamp', 'max_age']]],
    ['properties over 32 KB', { properties: { blob: 'x'.repeat(33 * 1024) } }, [['properties', 'max_bytes']]],
    ['a NUL in the user id', { userId: 'a\u0000b' }, [['user_id', 'no_nul']]],
    ['a NUL in properties', { properties: { q: 'a\u0000' } }, [['properties', 'no_nul']]],
    [
      'country not alpha-2',
      { context: { ...emptyContext, country: 'Germany' } },
      [['context.country', 'iso3166']],
    ],
    [
      'purchase without order id or revenue',
      { eventType: 'purchase', properties: undefined },
      [
        ['commerce.order_id', 'required'],
        ['commerce.revenue', 'required'],
      ],
    ],
    [
      'purchase with negative revenue and a made-up currency',
      {
        eventType: 'purchase',
        commerce: {
          orderId: 'o-1',
          revenue: { amount: -5, currency: 'EURO' },
          items: [],
          cartId: '',
          coupon: '',
          shipping: undefined,
          tax: undefined,
        },
      },
      [
        ['commerce.revenue.amount', 'min'],
        ['commerce.revenue.currency', 'iso4217'],
      ],
    ],
    [
      'purchase in properties with a made-up currency',
      { eventType: 'purchase', properties: { order_id: 'o-9', revenue: 20, currency: 'DOLLARS' } },
      [['properties.currency', 'iso4217']],
    ],
    [
      'item with fractional quantity',
      {
        eventType: 'add_to_cart',
        properties: { product_id: 'p1', price: 10, currency: 'EUR', quantity: 1.5 },
      },
      [['commerce.items[0].quantity', 'min']],
    ],
  ])('refuses %s', (_name, overrides, expected) => {
    expect(violationsOf(eventInput(overrides))).toEqual(expected);
  });

  it('accepts the documented page_view example and a custom event type', () => {
    expect(violationsOf(eventInput())).toEqual([]);
    expect(
      violationsOf(eventInput({ eventType: 'wishlist_add', userId: '', anonymousId: 'anon-1' })),
    ).toEqual([]);
  });

  it('names each broken rule with a readable description', () => {
    const r = prepareEvent(eventInput({ timestamp: new Date('2025-12-04T12:31:00Z') }), now, deps);
    expect(r).toEqual({
      kind: 'rejected',
      violations: [
        {
          field: 'timestamp',
          rule: 'not_in_future',
          description: 'timestamp is more than 60 minutes in the future',
        },
      ],
    });
  });
});

describe('prepareEvent: accepted events', () => {
  it('assigns an id when absent, keeps and lower-cases a given one, and drops the raw IP', () => {
    const a = prepareEvent(eventInput({ context: { ...emptyContext, ip: '203.0.113.9' } }), now, deps);
    const b = prepareEvent(eventInput({ eventId: '0190F0C8-AAAA-7000-8000-00000000000B' }), now, deps);
    expect(a.kind === 'ok' && a.event.eventId).toBe('0190f0c8-0000-7000-8000-000000000001');
    expect(a.kind === 'ok' && a.event.context.ip).toBe('');
    expect(b.kind === 'ok' && b.event.eventId).toBe('0190f0c8-aaaa-7000-8000-00000000000b');
  });

  it('corrects clock skew with sent_at and keeps the original time', () => {
    // The client's clock runs 2 days fast; the event happened 30 s before it was sent.
    const r = prepareEvent(
      eventInput({ timestamp: new Date('2025-12-06T10:29:30Z'), sentAt: new Date('2025-12-06T10:30:00Z') }),
      now,
      deps,
    );
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.event.timestamp.toISOString()).toBe('2025-12-04T10:29:30.000Z');
    expect(r.event.originalTimestamp?.toISOString()).toBe('2025-12-06T10:29:30.000Z');
    expect(r.event.receivedAt).toBe(now);
  });

  it('flags events older than a day as historical, not live', () => {
    const old = prepareEvent(eventInput({ timestamp: new Date('2025-12-01T08:00:00Z') }), now, deps);
    const fresh = prepareEvent(eventInput({ timestamp: new Date('2025-12-04T10:00:00Z') }), now, deps);
    expect(old.kind === 'ok' && old.event.historical).toBe(true);
    expect(fresh.kind === 'ok' && fresh.event.historical).toBe(false);
  });

  it('keeps a product_view price as a property and prices lifted orders in the shop currency', () => {
    const view = prepareEvent(
      eventInput({ eventType: 'product_view', properties: { product_id: 'p-1', price: 19.99 } }),
      now,
      deps,
    );
    expect(view.kind === 'ok' && view.event.commerce).toBeUndefined();
    const order = prepareEvent(
      eventInput({ eventType: 'purchase', properties: { order_id: 'o-9', revenue: 20 } }),
      now,
      deps,
    );
    expect(order.kind === 'ok' && order.event.commerce?.revenue).toEqual({ amount: 20, currency: 'USD' });
  });

  it('lifts order fields from properties into commerce', () => {
    const r = prepareEvent(
      eventInput({
        eventType: 'purchase',
        properties: {
          order_id: 'o-42',
          revenue: '129.90',
          currency: 'eur',
          products: [{ product_id: 'p-1', category: 'electronics', price: 64.95, quantity: 2 }],
        },
      }),
      now,
      deps,
    );
    expect(r.kind === 'ok' && r.event.commerce).toEqual({
      orderId: 'o-42',
      revenue: { amount: 129.9, currency: 'EUR' },
      items: [
        {
          productId: 'p-1',
          name: '',
          category: 'electronics',
          price: { amount: 64.95, currency: 'EUR' },
          quantity: 2,
        },
      ],
      cartId: '',
      coupon: '',
      shipping: undefined,
      tax: undefined,
    });
  });
});
