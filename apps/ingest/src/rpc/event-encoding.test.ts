import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventContextSchema, EventSchema } from '@broxiva/contracts';
import { createUserAgentParser, prepareEvent, type PrepareDeps } from '@broxiva/ingest-domain';
import { describe, expect, it } from 'vitest';
import { encodeAccepted } from './event-encoding.js';
import { toEventInput, withServerFields } from './event-mapping.js';

const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const now = new Date('2025-12-04T10:30:00.250Z');
const F = { context: EventSchema.field.context.number };
let ids = 0;
const deps: PrepareDeps = {
  rules: {
    maxFutureMs: 3_600_000,
    // A century, so that events from before 1970 (negative seconds) are accepted here.
    maxAgeMs: 100 * 365 * 86_400_000,
    maxPropertiesBytes: 32 * 1024,
    historicalAfterMs: 86_400_000,
    defaultCurrency: 'USD',
  },
  newId: () => `0190f0c8-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
  parseUserAgent: createUserAgentParser(),
};

/** Both ways of writing the server's fields into a client's encoded event, decoded for comparison. */
function bothWays(encoded: Uint8Array) {
  const message = fromBinary(EventSchema, encoded);
  const prepared = prepareEvent(toEventInput(message), now, deps);
  if (prepared.kind !== 'ok') throw new Error(JSON.stringify(prepared.violations));
  const spliced = encodeAccepted(encoded, prepared.event, message.commerce === undefined);
  const rewritten = toBinary(EventSchema, withServerFields(fromBinary(EventSchema, encoded), prepared.event));
  return {
    // A plain copy: the encoding is a Buffer, whose slices (unknown fields) would compare unequal.
    spliced: fromBinary(EventSchema, new Uint8Array(spliced)),
    rewritten: fromBinary(EventSchema, rewritten),
    sizes: [spliced.length, rewritten.length],
  };
}

const encode = (init: MessageInitShape<typeof EventSchema>) =>
  toBinary(EventSchema, create(EventSchema, init));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

const full: MessageInitShape<typeof EventSchema> = {
  eventId: '0190F0C8-0000-7000-8000-0000000000AB',
  eventType: 'add_to_cart',
  userId: 'user_123',
  anonymousId: 'anon-9',
  sessionId: 'sess_456',
  timestamp: timestampFromDate(new Date('2025-12-04T10:29:00.123Z')),
  sentAt: timestampFromDate(new Date('2025-12-04T10:31:00Z')),
  // Server fields a client has no business sending: all replaced.
  receivedAt: timestampFromDate(new Date('2020-01-01T00:00:00Z')),
  originalTimestamp: timestampFromDate(new Date('2020-01-01T00:00:00Z')),
  enrichment: { browser: 'Made Up', country: 'ZZ', isBot: true },
  historical: true,
  properties: {
    page: '/p/1',
    price: 19.99,
    tags: ['a', 'b', { deep: [1, null, true] }],
    nothing: null,
    ok: false,
  },
  context: {
    pageUrl: 'https://shop.example.com/p/1',
    pagePath: '/p/1',
    pageTitle: 'Wireless headphones',
    referrer: 'https://www.google.com/search?q=headphones',
    utm: { source: 'google', medium: 'cpc', campaign: 'winter' },
    ip: '203.0.113.9',
    userAgent: UA,
    locale: 'de-DE',
    country: 'de',
    region: 'BE',
    timezone: 'Europe/Berlin',
  },
  commerce: {
    cartId: 'cart-1',
    items: [{ productId: 'p-1', name: 'Headphones', price: { amount: 19.99, currency: 'eur' }, quantity: 2 }],
  },
};

describe('encodeAccepted', () => {
  it.each<[string, Uint8Array]>([
    ['every field, server fields sent by the client, IP, skew correction', encode(full)],
    ['no id, no context, no timestamp', encode({ eventType: 'page_view', userId: 'u' })],
    [
      'a purchase whose order is lifted from its properties',
      encode({
        eventType: 'purchase',
        userId: 'u',
        properties: {
          order_id: 'o-1',
          revenue: 99.5,
          currency: 'EUR',
          products: [{ product_id: 'p', price: 99.5 }],
        },
        context: { ip: '198.51.100.1' },
      }),
    ],
    [
      'historical, with a sub-millisecond time and long, non-ASCII strings',
      encode({
        eventType: 'page_view',
        userId: 'ü'.repeat(200),
        timestamp: { seconds: BigInt(Math.floor(now.getTime() / 1000) - 3 * 86_400), nanos: 123_456_789 },
        context: {
          region: 'Île-de-France '.repeat(20),
          referrer: `https://${'sub.'.repeat(40)}example.org/`,
          userAgent: `${UA} ${'x'.repeat(300)}`,
        },
      }),
    ],
    [
      'before 1970 (negative seconds)',
      encode({
        eventType: 'page_view',
        userId: 'u',
        timestamp: timestampFromDate(new Date('1961-04-12T06:07:00Z')),
      }),
    ],
    [
      'context and event id sent twice (they merge and override when decoded)',
      concat(
        encode({ eventId: '0190f0c8-0000-7000-8000-000000000001', eventType: 'search', userId: 'u' }),
        encode({ context: { ip: '203.0.113.1', pageUrl: 'https://a.example/' } }),
        encode({
          eventId: '0190f0c8-0000-7000-8000-000000000002',
          context: { ip: '203.0.113.2', locale: 'fr' },
        }),
      ),
    ],
    [
      'fields unknown to this contract, at the top and in the context',
      concat(
        encode({ eventType: 'page_view', userId: 'u' }),
        new BinaryWriter()
          .tag(99, WireType.Varint)
          .uint32(7)
          .tag(100, WireType.LengthDelimited)
          .string('later field')
          .tag(F.context, WireType.LengthDelimited)
          .bytes(
            concat(
              toBinary(EventContextSchema, create(EventContextSchema, { ip: '203.0.113.3', locale: 'it' })),
              new BinaryWriter().tag(50, WireType.Bit32).fixed32(5).finish(),
            ),
          )
          .finish(),
      ),
    ],
  ])('decodes the same as rewriting the message: %s', (_, encoded) => {
    const { spliced, rewritten, sizes } = bothWays(encoded);
    expect(spliced).toEqual(rewritten);
    expect(sizes[0]).toBe(sizes[1]);
    expect(spliced.context?.ip ?? '').toBe('');
  });

  it('drops the IP and keeps the rest of the context', () => {
    const { spliced } = bothWays(encode(full));
    expect(spliced.context).toMatchObject({ ip: '', locale: 'de-DE', country: 'de', userAgent: UA });
    expect(spliced.eventId).toBe('0190f0c8-0000-7000-8000-0000000000ab');
    expect(spliced.enrichment).toMatchObject({ os: 'iOS', isBot: false, channel: 'paid', country: 'DE' });
    expect(spliced.historical).toBe(false);
  });
});
