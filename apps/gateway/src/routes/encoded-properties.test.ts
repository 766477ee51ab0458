import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EventSchema, type Event } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { withEncodedProperties } from './encoded-properties.js';

const event = (properties: Event['properties']) =>
  create(EventSchema, { eventType: 'page_view', userId: 'u', properties });

describe('withEncodedProperties', () => {
  it.each<[string, Event['properties']]>([
    ['the documented example', { page: '/products/wireless-headphones', referrer: 'google.com' }],
    ['empty', {}],
    [
      'every kind of value, nested',
      {
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
      },
    ],
    ['integer-like and unicode keys', { '2': 'b', '1': 'a', ключ: 'значение 🛒', 'x y': 'é'.repeat(70) }],
    [
      'sizes past one- and two-byte lengths',
      { long: 'x'.repeat(200), longer: 'y'.repeat(20_000), many: Array.from({ length: 300 }, (_, i) => i) },
    ],
  ])('sends the same event as protobuf-es would: %s', (_, properties) => {
    const plain = event(properties);
    const expected = toBinary(EventSchema, plain);
    const encoded = toBinary(EventSchema, withEncodedProperties(clone(EventSchema, plain)));
    expect(encoded.length).toBe(expected.length);
    expect(fromBinary(EventSchema, encoded)).toEqual(fromBinary(EventSchema, expected));
  });

  it('leaves an event without properties alone', () => {
    const plain = event(undefined);
    expect(withEncodedProperties(plain)).toBe(plain);
    expect(plain.$unknown).toBeUndefined();
  });
});
