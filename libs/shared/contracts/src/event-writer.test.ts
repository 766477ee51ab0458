import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { EventSchema, type Event } from './gen/broxiva/analytics/common/v1/event_pb.js';
import { decodeEvent } from './event-reader.js';
import { encodeEvent } from './event-writer.js';

type EventInit = MessageInitShape<typeof EventSchema>;

/** encodeEvent must give exactly toBinary's bytes. */
function expectSameBytes(event: Event) {
  const expected = toBinary(EventSchema, event);
  const actual = encodeEvent(event);
  expect(Buffer.from(actual).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
}

const money = (amount: number, currency = 'EUR') => ({ amount, currency });
const ts = (seconds: bigint, nanos = 0) => ({ seconds, nanos });

const full: EventInit = {
  eventId: '0190a3c2-7b1e-7cc0-8a4e-1f2d3c4b5a69',
  eventType: 'purchase',
  userId: 'user_123',
  anonymousId: 'anon_9',
  sessionId: 'sess_456',
  timestamp: ts(1_764_844_200n, 123_000_000),
  sentAt: ts(1_764_844_201n),
  receivedAt: ts(1_764_844_202n, 5),
  originalTimestamp: ts(1_764_844_199n, 999_999_999),
  properties: { page: '/checkout', referrer: 'google.com', n: 3, nested: { a: [1, 'b', null, true] } },
  context: {
    pageUrl: 'https://shop.example/checkout?x=1',
    pagePath: '/checkout',
    pageTitle: 'Kasse – Schritt 2',
    referrer: 'https://google.com/',
    utm: { source: 'newsletter', medium: 'email', campaign: 'winter', term: 'boots', content: 'hero' },
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    locale: 'de-DE',
    country: 'DE',
    region: 'BE',
    timezone: 'Europe/Berlin',
  },
  commerce: {
    orderId: 'order_1',
    revenue: money(15420.5),
    items: [
      { productId: 'p1', name: 'Kopfhörer 🎧', category: 'electronics', price: money(99.99), quantity: 2 },
      { productId: 'p2', name: '', category: 'books', quantity: 1 },
    ],
    cartId: 'cart_1',
    coupon: 'WINTER10',
    shipping: money(4.9),
    tax: money(12),
  },
  enrichment: {
    deviceType: 'desktop',
    browser: 'Firefox',
    browserVersion: '133.0',
    os: 'Linux',
    osVersion: '',
    isBot: true,
    country: 'DE',
    region: 'BE',
    referrerDomain: 'google.com',
    channel: 'email',
  },
  historical: true,
};

describe('encodeEvent', () => {
  it.each<[string, EventInit]>([
    ['every field set', full],
    ['nothing set', {}],
    ['the documented example', { eventType: 'page_view', userId: 'user_123', sessionId: 'sess_456' }],
    ['empty messages are still written', { context: { utm: {} }, commerce: { items: [{}] }, enrichment: {} }],
    ['empty timestamps and properties', { timestamp: {}, sentAt: ts(0n), properties: {} }],
    [
      'negative and large integers',
      {
        timestamp: ts(-62_135_596_800n, -1),
        sentAt: ts(2n ** 62n, 2_147_483_647),
        receivedAt: ts(9_007_199_254_740_993n),
        commerce: { items: [{ quantity: -3 }, { quantity: 2_147_483_647 }, { quantity: -2_147_483_648 }] },
      },
    ],
    [
      'amounts that are not plain',
      { commerce: { revenue: money(-0), shipping: money(Number.NaN), tax: money(Number.POSITIVE_INFINITY) } },
    ],
    [
      'lengths past one and two varint bytes',
      { eventType: 'x'.repeat(200), userId: 'é'.repeat(70_000), context: { pageTitle: '🛒'.repeat(40) } },
    ],
    [
      'property lengths past one and two varint bytes',
      {
        properties: {
          long: 'x'.repeat(200),
          longer: 'y'.repeat(20_000),
          many: Array.from({ length: 300 }, (_, i) => i),
          'x y': 'é'.repeat(70),
        },
      },
    ],
    [
      'every kind of property value, nested',
      {
        properties: {
          s: '',
          n: 0,
          neg: -0,
          f: -12.5e-7,
          big: 2 ** 60,
          t: true,
          no: false,
          nil: null,
          list: [1, 'two', null, [], {}, [[{ deep: [true] }]]],
          obj: { a: { b: { c: 'd' } }, '': 'empty key' },
          '2': 'integer-like keys come first',
          ключ: 'значение',
        },
      },
    ],
  ])('writes what protobuf-es writes: %s', (_, init) => {
    expectSameBytes(create(EventSchema, init));
  });

  it('leaves unknown fields and non-JSON properties to protobuf-es', () => {
    const withUnknown = create(EventSchema, full);
    withUnknown.$unknown = [{ no: 99, wireType: WireType.Varint, data: new Uint8Array([7]) }];
    expectSameBytes(withUnknown);
    const nested = create(EventSchema, full);
    nested.commerce!.items[0]!.$unknown = [
      { no: 42, wireType: WireType.LengthDelimited, data: new Uint8Array([1, 9]) },
    ];
    expectSameBytes(nested);
    const date = create(EventSchema, { properties: { when: new Date(0) as never } });
    expectSameBytes(date);
  });

  it('matches protobuf-es on 3,000 random events and reads back the same', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(...xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    const str = () => pick('', 'a', 'page_view', 'ü€🛒', 'x'.repeat(Math.floor(rnd() * 300)));
    const num = () => pick(0, -0, 1, -1, 0.5, 1e21, -123.456, Math.floor(rnd() * 1e9));
    const maybe = <T>(f: () => T) => (rnd() < 0.5 ? f() : undefined);
    const json = (depth: number): unknown =>
      depth > 3
        ? str()
        : pick<() => unknown>(
            str,
            num,
            () => rnd() < 0.5,
            () => null,
            () => Array.from({ length: Math.floor(rnd() * 4) }, () => json(depth + 1)),
            () =>
              Object.fromEntries(
                Array.from({ length: Math.floor(rnd() * 4) }, () => [str(), json(depth + 1)]),
              ),
          )();
    const stamp = () => ts(BigInt(Math.floor((rnd() - 0.2) * 4e9)), pick(0, 1, 999_999_999));
    const cash = () => money(num(), str());
    for (let n = 0; n < 3_000; n++) {
      const init: EventInit = {
        eventId: str(),
        eventType: str(),
        userId: str(),
        anonymousId: str(),
        sessionId: str(),
        timestamp: maybe(stamp),
        sentAt: maybe(stamp),
        receivedAt: maybe(stamp),
        originalTimestamp: maybe(stamp),
        properties: maybe(() =>
          Object.fromEntries([
            [str(), json(0)],
            ['k', json(1)],
          ]),
        ) as EventInit['properties'],
        context: maybe(() => ({
          pageUrl: str(),
          referrer: str(),
          utm: maybe(() => ({ source: str(), term: str() })),
          ip: str(),
          timezone: str(),
        })),
        commerce: maybe(() => ({
          orderId: str(),
          revenue: maybe(cash),
          items: Array.from({ length: Math.floor(rnd() * 3) }, () => ({
            productId: str(),
            price: maybe(cash),
            quantity: pick(0, 1, -1, 1000),
          })),
          coupon: str(),
          tax: maybe(cash),
        })),
        enrichment: maybe(() => ({ browser: str(), isBot: rnd() < 0.5, channel: str() })),
        historical: rnd() < 0.5,
      };
      const event = create(EventSchema, init);
      expectSameBytes(event);
      expect(decodeEvent(encodeEvent(event))).toEqual(event);
    }
  });
});
