import { toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  EventSchema,
  type Commerce,
  type Enrichment,
  type Event,
  type EventContext,
  type Item,
  type Utm,
} from './gen/broxiva/analytics/common/v1/event_pb.js';
import type { Money } from './gen/broxiva/analytics/common/v1/money_pb.js';
import { delimited, structSize, writeStruct, type Cursor } from './struct-writer.js';
import { varintSize, writeBigVarint, writeVarint } from './wire-writer.js';

// A hand-written writer of Event, the counterpart of event-reader.ts, for the hot path that encodes every
// event it forwards (the gateway's calls to Ingest). protobuf-es encodes through reflection, field by
// field, and turns `properties` into Struct/Value messages first; this writes the same bytes in two
// passes over the plain object: the first sizes every length-delimited part (in the order the second
// writes them, so each length is written before its contents and nothing is copied twice), the second
// writes into one buffer of the exact size.
//
// Same bytes as `toBinary(EventSchema, event)`: fields in field-number order, implicit-presence fields
// only when not zero or empty (a double is written unless it is +0: -0 and NaN are), message fields
// whenever set. An event this writer does not cover (unknown
// fields kept in `$unknown`, a property value that is not JSON) goes to toBinary whole.

/** The event's encoding, byte for byte what `toBinary(EventSchema, event)` returns. */
export function encodeEvent(event: Event): Uint8Array {
  const sizes: number[] = [];
  const size = eventSize(event, sizes);
  if (size < 0) return toBinary(EventSchema, event);
  const out = Buffer.allocUnsafe(size);
  const end = writeEvent(out, 0, event, sizes, { next: 0 });
  if (end !== size) throw new Error(`encodeEvent: wrote ${end} bytes of ${size}`);
  return out;
}

/** Any field protobuf-es would write from `$unknown`: left to toBinary. */
const UNSUPPORTED = -1;
const hasUnknown = (m: { $unknown?: unknown[] } | undefined) => (m?.$unknown?.length ?? 0) > 0;

const tag = (no: number, wireType: WireType) => (no << 3) | wireType;
// Every field number here is below 16: each tag is one byte.

function stringSize(s: string, sizes: number[]): number {
  if (s === '') return 0;
  const bytes = Buffer.byteLength(s);
  sizes.push(bytes);
  return delimited(bytes);
}

/** A message field's size with its tag and length, its contents sized by `contents` (pushed first). */
function messageSize(sizes: number[], contents: () => number): number {
  const slot = sizes.push(0) - 1;
  const size = contents();
  if (size < 0) return UNSUPPORTED;
  sizes[slot] = size;
  return delimited(size);
}

// int64 and int32 are varints of their two's complement: a negative value takes 10 bytes.
const int32Size = (n: number) => (n < 0 ? 10 : varintSize(n));
const int64Size = (n: bigint) => (n < 0n ? 10 : n <= MAX_SAFE ? varintSize(Number(n)) : bigVarintSize(n));
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
function bigVarintSize(n: bigint): number {
  let size = 1;
  while (n > 0x7fn) {
    n >>= 7n;
    size++;
  }
  return size;
}

function timestampSize(t: Timestamp | undefined, sizes: number[]): number {
  if (t === undefined) return 0;
  if (hasUnknown(t)) return UNSUPPORTED;
  return messageSize(
    sizes,
    () => (t.seconds === 0n ? 0 : 1 + int64Size(t.seconds)) + (t.nanos === 0 ? 0 : 1 + int32Size(t.nanos)),
  );
}

function eventSize(e: Event, sizes: number[]): number {
  if (hasUnknown(e)) return UNSUPPORTED;
  let size =
    stringSize(e.eventId, sizes) +
    stringSize(e.eventType, sizes) +
    stringSize(e.userId, sizes) +
    stringSize(e.anonymousId, sizes) +
    stringSize(e.sessionId, sizes);
  for (const t of [e.timestamp, e.sentAt, e.receivedAt, e.originalTimestamp]) {
    const s = timestampSize(t, sizes);
    if (s < 0) return UNSUPPORTED;
    size += s;
  }
  const parts = [
    e.properties === undefined ? 0 : messageSize(sizes, () => jsonStructSize(e.properties!, sizes)),
    e.context === undefined ? 0 : messageSize(sizes, () => contextSize(e.context!, sizes)),
    e.commerce === undefined ? 0 : messageSize(sizes, () => commerceSize(e.commerce!, sizes)),
    e.enrichment === undefined ? 0 : messageSize(sizes, () => enrichmentSize(e.enrichment!, sizes)),
  ];
  for (const s of parts) {
    if (s < 0) return UNSUPPORTED;
    size += s;
  }
  return size + (e.historical ? 2 : 0);
}

/** Struct sizes, or UNSUPPORTED for a value that is not JSON (protobuf-es has its own way with those). */
function jsonStructSize(obj: Record<string, unknown>, sizes: number[]): number {
  return isJson(obj, 0) ? structSize(obj, sizes) : UNSUPPORTED;
}

function isJson(v: unknown, depth: number): boolean {
  if (depth > 100) return false;
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
      return true;
    case 'object':
      if (v === null) return true;
      if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
      for (const k in v)
        if (Object.hasOwn(v, k) && !isJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    default:
      return false;
  }
}

function contextSize(c: EventContext, sizes: number[]): number {
  if (hasUnknown(c)) return UNSUPPORTED;
  let size = stringSize(c.pageUrl, sizes) + stringSize(c.pagePath, sizes);
  size += stringSize(c.pageTitle, sizes) + stringSize(c.referrer, sizes);
  if (c.utm !== undefined) {
    const utm = messageSize(sizes, () => utmSize(c.utm!, sizes));
    if (utm < 0) return UNSUPPORTED;
    size += utm;
  }
  size += stringSize(c.ip, sizes) + stringSize(c.userAgent, sizes) + stringSize(c.locale, sizes);
  return size + stringSize(c.country, sizes) + stringSize(c.region, sizes) + stringSize(c.timezone, sizes);
}

function utmSize(u: Utm, sizes: number[]): number {
  if (hasUnknown(u)) return UNSUPPORTED;
  return (
    stringSize(u.source, sizes) +
    stringSize(u.medium, sizes) +
    stringSize(u.campaign, sizes) +
    stringSize(u.term, sizes) +
    stringSize(u.content, sizes)
  );
}

function moneySize(m: Money | undefined, sizes: number[]): number {
  if (m === undefined) return 0;
  if (hasUnknown(m)) return UNSUPPORTED;
  return messageSize(sizes, () => (Object.is(m.amount, 0) ? 0 : 9) + stringSize(m.currency, sizes));
}

function commerceSize(m: Commerce, sizes: number[]): number {
  if (hasUnknown(m)) return UNSUPPORTED;
  const parts = [stringSize(m.orderId, sizes), moneySize(m.revenue, sizes)];
  for (const item of m.items) parts.push(messageSize(sizes, () => itemSize(item, sizes)));
  parts.push(stringSize(m.cartId, sizes), stringSize(m.coupon, sizes));
  parts.push(moneySize(m.shipping, sizes), moneySize(m.tax, sizes));
  let size = 0;
  for (const s of parts) {
    if (s < 0) return UNSUPPORTED;
    size += s;
  }
  return size;
}

function itemSize(i: Item, sizes: number[]): number {
  if (hasUnknown(i)) return UNSUPPORTED;
  const size = stringSize(i.productId, sizes) + stringSize(i.name, sizes) + stringSize(i.category, sizes);
  const price = moneySize(i.price, sizes);
  if (price < 0) return UNSUPPORTED;
  return size + price + (i.quantity === 0 ? 0 : 1 + int32Size(i.quantity));
}

function enrichmentSize(x: Enrichment, sizes: number[]): number {
  if (hasUnknown(x)) return UNSUPPORTED;
  let size = stringSize(x.deviceType, sizes) + stringSize(x.browser, sizes);
  size += stringSize(x.browserVersion, sizes) + stringSize(x.os, sizes) + stringSize(x.osVersion, sizes);
  size += x.isBot ? 2 : 0;
  size += stringSize(x.country, sizes) + stringSize(x.region, sizes);
  return size + stringSize(x.referrerDomain, sizes) + stringSize(x.channel, sizes);
}

// --- second pass: writing, consuming `sizes` in the order the first pass pushed them -----------------

function writeString(out: Buffer, at: number, no: number, s: string, sizes: number[], c: Cursor): number {
  if (s === '') return at;
  out[at++] = tag(no, WireType.LengthDelimited);
  at = writeVarint(out, at, sizes[c.next++] as number);
  return at + out.write(s, at, 'utf8');
}

/** A message field's tag and length; its contents follow. */
function writeHeader(out: Buffer, at: number, no: number, sizes: number[], c: Cursor): number {
  out[at++] = tag(no, WireType.LengthDelimited);
  return writeVarint(out, at, sizes[c.next++] as number);
}

function writeInt(out: Buffer, at: number, no: number, n: number): number {
  if (n === 0) return at;
  out[at++] = tag(no, WireType.Varint);
  return n < 0 ? writeBigVarint(out, at, BigInt.asUintN(64, BigInt(n))) : writeVarint(out, at, n);
}

function writeInt64(out: Buffer, at: number, no: number, n: bigint): number {
  if (n === 0n) return at;
  out[at++] = tag(no, WireType.Varint);
  return n > 0n && n <= MAX_SAFE
    ? writeVarint(out, at, Number(n))
    : writeBigVarint(out, at, BigInt.asUintN(64, n));
}

function writeTimestamp(
  out: Buffer,
  at: number,
  no: number,
  t: Timestamp | undefined,
  sizes: number[],
  c: Cursor,
): number {
  if (t === undefined) return at;
  at = writeHeader(out, at, no, sizes, c);
  return writeInt(out, writeInt64(out, at, 1, t.seconds), 2, t.nanos);
}

function writeMoney(out: Buffer, at: number, no: number, m: Money | undefined, sizes: number[], c: Cursor) {
  if (m === undefined) return at;
  at = writeHeader(out, at, no, sizes, c);
  if (!Object.is(m.amount, 0)) {
    out[at++] = tag(1, WireType.Bit64);
    at = out.writeDoubleLE(m.amount, at);
  }
  return writeString(out, at, 2, m.currency, sizes, c);
}

function writeBool(out: Buffer, at: number, no: number, b: boolean): number {
  if (!b) return at;
  out[at++] = tag(no, WireType.Varint);
  out[at++] = 1;
  return at;
}

function writeEvent(out: Buffer, at: number, e: Event, sizes: number[], c: Cursor): number {
  at = writeString(out, at, 1, e.eventId, sizes, c);
  at = writeString(out, at, 2, e.eventType, sizes, c);
  at = writeString(out, at, 3, e.userId, sizes, c);
  at = writeString(out, at, 4, e.anonymousId, sizes, c);
  at = writeString(out, at, 5, e.sessionId, sizes, c);
  at = writeTimestamp(out, at, 6, e.timestamp, sizes, c);
  at = writeTimestamp(out, at, 7, e.sentAt, sizes, c);
  at = writeTimestamp(out, at, 8, e.receivedAt, sizes, c);
  at = writeTimestamp(out, at, 9, e.originalTimestamp, sizes, c);
  if (e.properties !== undefined) {
    at = writeHeader(out, at, 10, sizes, c);
    at = writeStruct(out, at, e.properties, sizes, c);
  }
  if (e.context !== undefined)
    at = writeContext(out, writeHeader(out, at, 11, sizes, c), e.context, sizes, c);
  if (e.commerce !== undefined)
    at = writeCommerce(out, writeHeader(out, at, 12, sizes, c), e.commerce, sizes, c);
  if (e.enrichment !== undefined) {
    at = writeEnrichment(out, writeHeader(out, at, 13, sizes, c), e.enrichment, sizes, c);
  }
  return writeBool(out, at, 14, e.historical);
}

function writeContext(out: Buffer, at: number, x: EventContext, sizes: number[], c: Cursor): number {
  at = writeString(out, at, 1, x.pageUrl, sizes, c);
  at = writeString(out, at, 2, x.pagePath, sizes, c);
  at = writeString(out, at, 3, x.pageTitle, sizes, c);
  at = writeString(out, at, 4, x.referrer, sizes, c);
  if (x.utm !== undefined) {
    at = writeHeader(out, at, 5, sizes, c);
    at = writeString(out, at, 1, x.utm.source, sizes, c);
    at = writeString(out, at, 2, x.utm.medium, sizes, c);
    at = writeString(out, at, 3, x.utm.campaign, sizes, c);
    at = writeString(out, at, 4, x.utm.term, sizes, c);
    at = writeString(out, at, 5, x.utm.content, sizes, c);
  }
  at = writeString(out, at, 6, x.ip, sizes, c);
  at = writeString(out, at, 7, x.userAgent, sizes, c);
  at = writeString(out, at, 8, x.locale, sizes, c);
  at = writeString(out, at, 9, x.country, sizes, c);
  at = writeString(out, at, 10, x.region, sizes, c);
  return writeString(out, at, 11, x.timezone, sizes, c);
}

function writeCommerce(out: Buffer, at: number, m: Commerce, sizes: number[], c: Cursor): number {
  at = writeString(out, at, 1, m.orderId, sizes, c);
  at = writeMoney(out, at, 2, m.revenue, sizes, c);
  for (const i of m.items) {
    at = writeHeader(out, at, 3, sizes, c);
    at = writeString(out, at, 1, i.productId, sizes, c);
    at = writeString(out, at, 2, i.name, sizes, c);
    at = writeString(out, at, 3, i.category, sizes, c);
    at = writeMoney(out, at, 4, i.price, sizes, c);
    at = writeInt(out, at, 5, i.quantity);
  }
  at = writeString(out, at, 4, m.cartId, sizes, c);
  at = writeString(out, at, 5, m.coupon, sizes, c);
  at = writeMoney(out, at, 6, m.shipping, sizes, c);
  return writeMoney(out, at, 7, m.tax, sizes, c);
}

function writeEnrichment(out: Buffer, at: number, x: Enrichment, sizes: number[], c: Cursor): number {
  at = writeString(out, at, 1, x.deviceType, sizes, c);
  at = writeString(out, at, 2, x.browser, sizes, c);
  at = writeString(out, at, 3, x.browserVersion, sizes, c);
  at = writeString(out, at, 4, x.os, sizes, c);
  at = writeString(out, at, 5, x.osVersion, sizes, c);
  at = writeBool(out, at, 6, x.isBot);
  at = writeString(out, at, 7, x.country, sizes, c);
  at = writeString(out, at, 8, x.region, sizes, c);
  at = writeString(out, at, 9, x.referrerDomain, sizes, c);
  return writeString(out, at, 10, x.channel, sizes, c);
}
