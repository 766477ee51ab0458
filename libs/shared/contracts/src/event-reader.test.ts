import {
  create,
  fromBinary,
  toBinary,
  ScalarType,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeEvent, decodeEventBatch, readEvent, readEventBatch } from './event-reader.js';
import { EventBatchSchema, EventSchema, type Event } from './index.js';

// The reference is protobuf-es itself: every input must give what fromBinary gives (the same object,
// key order included) or throw what it throws.

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}
type Rnd = ReturnType<typeof prng>;

const TEXT = ['a', 'Z', '0', '_', '/', ' ', 'é', 'ß', '日本', '🛒', '—', '\u00a0', '\ufeff', '"', '\\'];
function text(rnd: Rnd, max = 40): string {
  if (rnd.next() < 0.1) return 'x'.repeat(100 + rnd.int(300)); // long ASCII
  let s = '';
  const n = rnd.int(max);
  const ascii = rnd.next() < 0.7;
  for (let i = 0; i < n; i++) s += ascii ? String.fromCharCode(32 + rnd.int(95)) : rnd.pick(TEXT);
  return s;
}

const DOUBLES = [0, -0, 1, -1, 0.1, 129.99, 1e300, -1e-300, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 31)];
const double = (rnd: Rnd) => (rnd.next() < 0.5 ? rnd.pick(DOUBLES) : (rnd.next() - 0.5) * 10 ** rnd.int(12));
const INT32 = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 300, -300];
const int32 = (rnd: Rnd) => (rnd.next() < 0.5 ? rnd.pick(INT32) : rnd.int(2 ** 32) | 0);
const INT64 = [
  0n,
  1n,
  -1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 32n),
  1_767_225_600n,
];
const int64 = (rnd: Rnd) =>
  rnd.next() < 0.5
    ? rnd.pick(INT64)
    : BigInt.asIntN(64, (BigInt(rnd.int(2 ** 32)) << 32n) | BigInt(rnd.int(2 ** 32)));

/** A JSON value for a Struct: every kind, nested, with keys whose order JavaScript rearranges. */
function json(rnd: Rnd, depth: number): JsonValue {
  switch (rnd.int(depth > 0 ? 7 : 5)) {
    case 0:
      return null;
    case 1:
      return rnd.next() < 0.5;
    case 2:
    case 3:
      return double(rnd);
    case 4:
      return text(rnd, 20);
    case 5:
      return Array.from({ length: rnd.int(4) }, () => json(rnd, depth - 1));
    default:
      return object(rnd, depth - 1);
  }
}
function object(rnd: Rnd, depth: number): JsonObject {
  const o: JsonObject = {};
  const keys = ['page', 'price', 'query', '10', '2', 'constructor', 'toString', '', 'ключ', '🔑'];
  for (let i = rnd.int(6); i > 0; i--)
    o[rnd.next() < 0.5 ? rnd.pick(keys) : text(rnd, 12)] = json(rnd, depth);
  return o;
}

/**
 * A random init object for `desc` with every field set, walking the descriptor: a field added to the
 * schema is set here at once, so the hand-written reader must learn it before these tests pass.
 */
function every(rnd: Rnd, desc: DescMessage): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const field of desc.fields) init[field.localName] = fieldValue(rnd, field);
  return init;
}
function fieldValue(rnd: Rnd, field: DescField): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalar(rnd, field.scalar);
    case 'enum':
      return rnd.pick(field.enum.values).number;
    case 'message':
      return message(rnd, field.message);
    case 'list':
      return Array.from({ length: 1 + rnd.int(3) }, () =>
        field.listKind === 'message'
          ? message(rnd, field.message)
          : field.listKind === 'enum'
            ? rnd.pick(field.enum.values).number
            : scalar(rnd, field.scalar),
      );
    case 'map':
      throw new Error(`map field ${field.name}: teach this generator (and event-reader.ts) maps`);
  }
}
function message(rnd: Rnd, desc: DescMessage): unknown {
  return desc.typeName === 'google.protobuf.Struct' ? object(rnd, 4) : every(rnd, desc);
}
function scalar(rnd: Rnd, type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return text(rnd);
    case ScalarType.BOOL:
      return true;
    case ScalarType.DOUBLE:
      return double(rnd);
    case ScalarType.INT32:
      return int32(rnd);
    case ScalarType.INT64:
      return int64(rnd);
    default:
      throw new Error(`scalar type ${ScalarType[type]}: teach this generator (and event-reader.ts) it`);
  }
}

const randomEvent = (rnd: Rnd): Event => create(EventSchema, every(rnd, EventSchema));

/**
 * Where two decoded values differ, or undefined: own keys in the same order, the same prototypes, and
 * primitives by Object.is (bigint vs number, -0, NaN). Stricter than toStrictEqual, which also cannot be
 * used here: it compares `a.constructor`, and "constructor" is a key the Struct tests use.
 */
function difference(a: unknown, b: unknown, path = 'message'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  const keys = Reflect.ownKeys(a);
  if (print(keys) !== print(Reflect.ownKeys(b)))
    return `${path}: keys ${print(keys)} vs ${print(Reflect.ownKeys(b))}`;
  for (const k of keys) {
    const d = difference(
      (a as Record<PropertyKey, unknown>)[k],
      (b as Record<PropertyKey, unknown>)[k],
      `${path}.${String(k)}`,
    );
    if (d !== undefined) return d;
  }
  return undefined;
}
const print = (x: unknown) => inspect(x, { maxArrayLength: null, breakLength: Infinity });

/** decode gives exactly what fromBinary gives, or throws exactly what it throws. */
function expectSameAsFromBinary(
  bytes: Uint8Array,
  schema: typeof EventSchema | typeof EventBatchSchema,
  decode: (b: Uint8Array) => unknown,
) {
  let expected: unknown;
  try {
    expected = fromBinary(schema, bytes);
  } catch (e) {
    expect(() => decode(bytes)).toThrow((e as Error).message);
    return;
  }
  const actual = decode(bytes);
  expect(actual).toEqual(expected);
  expect(difference(actual, expected)).toBeUndefined();
}
const depthOutcomes: boolean[] = [];
function batchDepthExceeded(bytes: Uint8Array): boolean {
  let exceeded = false;
  try {
    fromBinary(EventBatchSchema, bytes);
  } catch {
    exceeded = true;
  }
  depthOutcomes.push(exceeded);
  return exceeded;
}
const sameEvent = (bytes: Uint8Array) => expectSameAsFromBinary(bytes, EventSchema, decodeEvent);
const sameBatch = (bytes: Uint8Array) => expectSameAsFromBinary(bytes, EventBatchSchema, decodeEventBatch);

/** Read by the hand-written reader itself (not handed to protobuf-es), and the same as fromBinary. */
function expectReadDirectly(bytes: Uint8Array) {
  const direct = readEvent(bytes);
  expect(direct, 'the hand-written reader left these bytes to protobuf-es').toBeDefined();
  expect(direct).toEqual(fromBinary(EventSchema, bytes));
  expect(difference(direct, fromBinary(EventSchema, bytes))).toBeUndefined();
}

const encode = (init: MessageInitShape<typeof EventSchema>) =>
  toBinary(EventSchema, create(EventSchema, init));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('decodeEvent and decodeEventBatch', () => {
  it('read events with every field of the schema set, nested messages included, themselves', () => {
    const rnd = prng(1);
    for (let i = 0; i < 300; i++) {
      const event = randomEvent(rnd);
      expect(Object.keys(event).length).toBe(EventSchema.fields.length + 1); // every field is set
      expectReadDirectly(toBinary(EventSchema, event));
    }
  });

  it('validate UTF-8 on every string field, as the reader does (proto3 default)', () => {
    const strings: string[] = [];
    const walk = (desc: DescMessage, seen: Set<string>) => {
      if (seen.has(desc.typeName)) return;
      seen.add(desc.typeName);
      for (const f of desc.fields) {
        if (f.fieldKind === 'scalar' && f.scalar === ScalarType.STRING) {
          expect(f.utf8Validation, f.toString()).toBe(true);
          strings.push(f.name);
        }
        if (f.message !== undefined) walk(f.message, seen);
      }
    };
    walk(EventSchema, new Set());
    expect(strings.length).toBeGreaterThan(30);
  });

  it('read the empty message, zero values and the extremes of int32, int64 and doubles', () => {
    expectReadDirectly(new Uint8Array(0));
    expect(readEventBatch(new Uint8Array(0))).toStrictEqual(fromBinary(EventBatchSchema, new Uint8Array(0)));
    for (const seconds of INT64) {
      for (const nanos of INT32) {
        expectReadDirectly(
          encode({ timestamp: { seconds, nanos }, commerce: { items: [{ quantity: nanos }] } }),
        );
      }
    }
    for (const amount of DOUBLES) {
      const bytes = encode({ properties: { x: amount, y: [amount] }, commerce: { revenue: { amount } } });
      expectReadDirectly(bytes);
      expect(Object.is(decodeEvent(bytes).properties?.['x'], amount)).toBe(true);
    }
    // Explicit zero values on the wire (another encoder may write them): they are read, not skipped.
    const zeros = new BinaryWriter().tag(1, WireType.LengthDelimited).string('').tag(14, WireType.Varint);
    expectReadDirectly(zeros.bool(false).finish());
  });

  it('read nested Struct and list values, unicode keys and strings, and a leading byte order mark', () => {
    const properties = {
      '🔑': 'Kopfhörer — kabellos 🎧',
      nested: { a: [1, 'two', null, true, { b: [[], {}] }], '3': { c: { d: { e: 'deep' } } } },
      bom: '\ufeffstarts with a BOM',
      short: 'é',
    } as JsonObject;
    const bytes = encode({ userId: '日本語のユーザー', properties, context: { pageTitle: '\ufeff' } });
    expectReadDirectly(bytes);
    expect(decodeEvent(bytes).properties?.['bom']).toBe('starts with a BOM'); // as TextDecoder reads it
    let deep: JsonValue = 'bottom';
    for (let i = 0; i < 40; i++) deep = i % 2 === 0 ? { k: deep } : [deep];
    expectReadDirectly(encode({ properties: { deep } }));
  });

  it('leave nesting beyond protobuf-es recursion limit to it, which refuses it the same way', () => {
    // Each {k: …} adds two levels (Struct, Value); the two leaves put the deepest message at either parity.
    for (const leaf of [1, {}] as JsonValue[]) {
      const nested = (n: number) => {
        let v = leaf;
        for (let i = 0; i < n; i++) v = { k: v };
        return encode({ properties: { v } });
      };
      const reads = (bytes: Uint8Array) => {
        try {
          fromBinary(EventSchema, bytes);
          return true;
        } catch (e) {
          expect((e as Error).message).toMatch(/maximum recursion depth of 100/);
          return false;
        }
      };
      let n = 40;
      while (reads(nested(n))) n++;
      expectReadDirectly(nested(n - 1));
      expect(readEvent(nested(n))).toBeUndefined();
      sameEvent(nested(n));
      // In a batch every event is one level deeper.
      const batch = new BinaryWriter()
        .tag(1, WireType.LengthDelimited)
        .bytes(nested(n - 1))
        .finish();
      sameBatch(batch);
      expect(readEventBatch(batch) === undefined).toBe(batchDepthExceeded(batch));
    }
    expect(new Set(depthOutcomes)).toEqual(new Set([true, false])); // both parities met the edge
  });

  it('merge a message field sent twice and keep the last of a scalar, as protobuf does', () => {
    const first = encode({
      eventId: 'first',
      userId: 'u1',
      timestamp: { seconds: 10n, nanos: 5 },
      properties: { a: 1, shared: 'first', list: [1] },
      context: { pagePath: '/a', utm: { source: 'google' } },
      commerce: { orderId: 'o1', items: [{ productId: 'p1', price: { amount: 1, currency: 'EUR' } }] },
    });
    const second = encode({
      eventId: 'second',
      timestamp: { seconds: 20n },
      properties: { b: 2, shared: 'second', list: [2] },
      context: { referrer: 'r', utm: { medium: 'cpc' } },
      commerce: { items: [{ productId: 'p2' }], revenue: { amount: 2 } },
    });
    const bytes = concat(first, second);
    expectReadDirectly(bytes);
    const e = decodeEvent(bytes);
    // Checked by hand as well as against protobuf-es: merge semantics, not just agreement.
    expect(e.eventId).toBe('second');
    expect(e.userId).toBe('u1');
    expect(e.timestamp).toMatchObject({ seconds: 20n, nanos: 5 });
    expect(e.properties).toEqual({ a: 1, shared: 'second', list: [2], b: 2 });
    expect(e.context).toMatchObject({
      pagePath: '/a',
      referrer: 'r',
      utm: { source: 'google', medium: 'cpc' },
    });
    expect(e.commerce?.items.map((i) => i.productId)).toEqual(['p1', 'p2']);
    expect(e.commerce?.revenue).toMatchObject({ amount: 2, currency: '' });
    // Inside a Struct value: a struct or list member sent twice merges, another member replaces it.
    const value = (...members: Uint8Array[]) => {
      const w = new BinaryWriter().tag(10, WireType.LengthDelimited).fork();
      w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('v');
      w.tag(2, WireType.LengthDelimited).fork();
      for (const m of members) w.raw(m);
      return w.join().join().join().finish();
    };
    const struct = (k: string, v: number) =>
      new BinaryWriter()
        .tag(5, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.LengthDelimited)
        .string(k)
        .tag(2, WireType.LengthDelimited)
        .fork()
        .tag(2, WireType.Bit64)
        .double(v)
        .join()
        .join()
        .join()
        .finish();
    const list = (v: string) =>
      new BinaryWriter()
        .tag(6, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.LengthDelimited)
        .fork()
        .tag(3, WireType.LengthDelimited)
        .string(v)
        .join()
        .join()
        .finish();
    const str = new BinaryWriter().tag(3, WireType.LengthDelimited).string('s').finish();
    const nul = new BinaryWriter().tag(1, WireType.Varint).int32(0).finish();
    for (const members of [
      [struct('x', 1), struct('y', 2)],
      [list('a'), list('b')],
      [struct('x', 1), list('a'), struct('y', 2)],
      [str, nul],
      [nul, str],
      [],
    ]) {
      expectReadDirectly(value(...members));
    }
    expect(decodeEvent(value(struct('x', 1), struct('y', 2))).properties).toEqual({ v: { x: 1, y: 2 } });
    expect(decodeEvent(value(list('a'), list('b'))).properties).toEqual({ v: ['a', 'b'] });
    expect(decodeEvent(value(list('a'), str)).properties).toEqual({ v: 's' });
  });

  it('give what protobuf-es gives for unknown fields, other wire types and non-canonical tags', () => {
    const base = encode({ eventId: 'e', properties: { a: 1 }, context: { ip: '1.2.3.4' } });
    const cases = [
      new BinaryWriter().tag(99, WireType.Varint).int32(7).finish(), // unknown: kept in $unknown
      new BinaryWriter().tag(15, WireType.LengthDelimited).string('new field').finish(),
      new BinaryWriter().tag(1, WireType.Varint).int32(5).finish(), // a string field sent as a varint
      new BinaryWriter()
        .tag(14, WireType.LengthDelimited)
        .bytes(new Uint8Array([1]))
        .finish(),
      new Uint8Array([0x8a, 0x00, 0x01, 0x41]), // field 1 with a two-byte tag
      new Uint8Array([0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x41]), // length varint beyond 32 bits
      new Uint8Array([0x70, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]), // bool: bit 64
    ];
    for (const extra of cases) {
      sameEvent(concat(base, extra));
      sameEvent(concat(extra, base));
    }
    expect(readEvent(concat(base, cases[0] as Uint8Array))).toBeUndefined();
    expect(decodeEvent(concat(base, cases[0] as Uint8Array)).$unknown).toHaveLength(1);
    // Unknown fields inside a nested message and inside a Struct.
    const inContext = new BinaryWriter().tag(11, WireType.LengthDelimited).fork().tag(20, WireType.Varint);
    sameEvent(concat(base, inContext.int32(1).join().finish()));
    // A Struct key "__proto__" (toBinary never writes one: written by hand), whose value is an object.
    const entry = (key: string, value: Uint8Array) =>
      new BinaryWriter()
        .tag(1, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.LengthDelimited)
        .string(key)
        .tag(2, WireType.LengthDelimited)
        .bytes(value)
        .join()
        .finish();
    const structValue = toBinary(
      ValueSchema,
      create(ValueSchema, { kind: { case: 'structValue', value: {} } }),
    );
    const two = toBinary(ValueSchema, create(ValueSchema, { kind: { case: 'numberValue', value: 2 } }));
    const struct = concat(entry('__proto__', structValue), entry('b', two));
    const withProto = new BinaryWriter().tag(10, WireType.LengthDelimited).bytes(struct).finish();
    sameEvent(withProto);
    expect(readEvent(withProto)).toBeUndefined();
    const decoded = decodeEvent(withProto).properties;
    expect(decoded).toEqual({ b: 2 });
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('throw what fromBinary throws for every truncation and for garbage', () => {
    const rnd = prng(2);
    for (let i = 0; i < 20; i++) {
      const bytes = toBinary(EventSchema, randomEvent(rnd));
      for (let n = 0; n < bytes.length; n += 1 + rnd.int(5)) sameEvent(bytes.subarray(0, n));
    }
    for (let i = 0; i < 2000; i++) {
      sameEvent(new Uint8Array(Array.from({ length: rnd.int(40) }, () => rnd.int(256))));
    }
    sameEvent(new Uint8Array([0x0a, 0x02, 0xc3, 0x28])); // invalid UTF-8
    sameEvent(new Uint8Array([0x72, 0x02, 0x08, 0x01])); // field 14 with a wire type of 2
    expect(() => decodeEvent(new Uint8Array([0x0a, 0x05, 0x41]))).toThrow('premature EOF');
  });

  it('agree with fromBinary on thousands of random events, mutated encodings and batches', () => {
    const rnd = prng(3);
    const events: Event[] = [];
    for (let i = 0; i < 2000; i++) {
      const init = every(rnd, EventSchema);
      // Leave some fields out so that absent values mix with set ones.
      for (const f of EventSchema.fields) if (rnd.next() < 0.3) delete init[f.localName];
      const bytes = toBinary(EventSchema, create(EventSchema, init));
      events.push(fromBinary(EventSchema, bytes));
      expectReadDirectly(bytes);
      const mutated = new Uint8Array(bytes);
      for (let k = 1 + rnd.int(3); k > 0; k--) mutated[rnd.int(mutated.length || 1)] = rnd.int(256);
      sameEvent(mutated);
    }
    for (let i = 0; i < 20; i++) {
      const batch = create(EventBatchSchema, { events: events.slice(i * 100, i * 100 + rnd.int(100)) });
      const bytes = toBinary(EventBatchSchema, batch);
      expect(readEventBatch(bytes)).toBeDefined();
      sameBatch(bytes);
      sameBatch(bytes.subarray(0, rnd.int(bytes.length)));
    }
  });

  it('read bytes that sit at an offset in a larger buffer, as Node hands them over', () => {
    const bytes = encode({ eventId: 'x', properties: { price: 12.5 }, commerce: { revenue: { amount: 3 } } });
    const pool = Buffer.alloc(bytes.length + 13, 0xff);
    pool.set(bytes, 7);
    const slice = pool.subarray(7, 7 + bytes.length);
    expect(readEvent(slice)).toStrictEqual(fromBinary(EventSchema, bytes));
    const plain = new Uint8Array(pool.buffer, pool.byteOffset + 7, bytes.length);
    expect(readEvent(plain)).toStrictEqual(fromBinary(EventSchema, bytes));
  });
});
