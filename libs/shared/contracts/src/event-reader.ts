import { fromBinary } from '@bufbuild/protobuf';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  EventBatchSchema,
  EventSchema,
  type Commerce,
  type Enrichment,
  type Event,
  type EventBatch,
  type EventContext,
  type Item,
  type Utm,
} from './gen/broxiva/analytics/common/v1/event_pb.js';
import type { Money } from './gen/broxiva/analytics/common/v1/money_pb.js';
import { MAX_DEPTH, readStruct } from './struct-reader.js';
import { unsupported, WireReader } from './wire-reader.js';

// Hand-written readers of Event and EventBatch, for the hot paths that decode every event (Ingest, the
// store, Realtime). protobuf-es decodes through reflection and builds Struct/Value messages for
// `properties` only to convert them to JSON; these read each field straight into the plain objects
// `fromBinary` returns: same keys in the same order (a zero message holds its implicit-presence fields,
// a message field appears once read), `$typeName`s, bigint seconds, merge of repeated message fields.
//
// Only the canonical encoding is read here; everything else — an unknown field (protobuf-es keeps it in
// `$unknown`), a wire type other than the field's, a value overrunning its message, nesting past the
// recursion limit, a field with a multi-byte tag, malformed bytes — makes the reader give up, and the
// input goes to `fromBinary` whole: the result, or the error, is then protobuf-es's own. A field added
// to the schema is such an unknown field until it is read here; event-reader.test.ts fails until then.

/** An Event read from its encoding, exactly as `fromBinary(EventSchema, bytes)` reads it (or throws). */
export function decodeEvent(bytes: Uint8Array): Event {
  return readEvent(bytes) ?? fromBinary(EventSchema, bytes);
}

/** An EventBatch read from its encoding, exactly as `fromBinary(EventBatchSchema, bytes)` reads it. */
export function decodeEventBatch(bytes: Uint8Array): EventBatch {
  return readEventBatch(bytes) ?? fromBinary(EventBatchSchema, bytes);
}

/** The hand-written reader alone: undefined where it leaves the bytes to protobuf-es (see above). */
export function readEvent(bytes: Uint8Array): Event | undefined {
  try {
    const r = new WireReader(bytes);
    return event(r, bytes.length, 1, zeroEvent());
  } catch {
    return undefined;
  }
}

/** The hand-written reader alone: undefined where it leaves the bytes to protobuf-es (see above). */
export function readEventBatch(bytes: Uint8Array): EventBatch | undefined {
  try {
    const r = new WireReader(bytes);
    const batch: EventBatch = { $typeName: 'broxiva.analytics.common.v1.EventBatch', events: [] };
    while (r.pos < bytes.length) {
      if (r.tag() !== 0x0a) throw unsupported;
      batch.events.push(event(r, r.delimited(bytes.length), 2, zeroEvent()));
    }
    return batch;
  } catch {
    return undefined;
  }
}

// Each reader below fills `m` (a zero message, or the one read so far when the field occurs again) with
// the fields up to `end`. Tags are (field number << 3 | wire type): 0 varint, 1 fixed64, 2 delimited.

function event(r: WireReader, end: number, depth: number, m: Event): Event {
  if (depth > MAX_DEPTH) throw unsupported;
  const d = depth + 1;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.eventId = r.string(end);
        break;
      case 0x12:
        m.eventType = r.string(end);
        break;
      case 0x1a:
        m.userId = r.string(end);
        break;
      case 0x22:
        m.anonymousId = r.string(end);
        break;
      case 0x2a:
        m.sessionId = r.string(end);
        break;
      case 0x32:
        m.timestamp = timestamp(r, r.delimited(end), d, m.timestamp ?? zeroTimestamp());
        break;
      case 0x3a:
        m.sentAt = timestamp(r, r.delimited(end), d, m.sentAt ?? zeroTimestamp());
        break;
      case 0x42:
        m.receivedAt = timestamp(r, r.delimited(end), d, m.receivedAt ?? zeroTimestamp());
        break;
      case 0x4a:
        m.originalTimestamp = timestamp(r, r.delimited(end), d, m.originalTimestamp ?? zeroTimestamp());
        break;
      case 0x52:
        m.properties = readStruct(r, r.delimited(end), d, m.properties ?? {});
        break;
      case 0x5a:
        m.context = context(r, r.delimited(end), d, m.context ?? zeroContext());
        break;
      case 0x62:
        m.commerce = commerce(r, r.delimited(end), d, m.commerce ?? zeroCommerce());
        break;
      case 0x6a:
        m.enrichment = enrichment(r, r.delimited(end), d, m.enrichment ?? zeroEnrichment());
        break;
      case 0x70:
        m.historical = r.bool(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function timestamp(r: WireReader, end: number, depth: number, m: Timestamp): Timestamp {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x08:
        m.seconds = r.int64(end);
        break;
      case 0x10:
        m.nanos = r.int32(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function context(r: WireReader, end: number, depth: number, m: EventContext): EventContext {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.pageUrl = r.string(end);
        break;
      case 0x12:
        m.pagePath = r.string(end);
        break;
      case 0x1a:
        m.pageTitle = r.string(end);
        break;
      case 0x22:
        m.referrer = r.string(end);
        break;
      case 0x2a:
        m.utm = utm(r, r.delimited(end), depth + 1, m.utm ?? zeroUtm());
        break;
      case 0x32:
        m.ip = r.string(end);
        break;
      case 0x3a:
        m.userAgent = r.string(end);
        break;
      case 0x42:
        m.locale = r.string(end);
        break;
      case 0x4a:
        m.country = r.string(end);
        break;
      case 0x52:
        m.region = r.string(end);
        break;
      case 0x5a:
        m.timezone = r.string(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function utm(r: WireReader, end: number, depth: number, m: Utm): Utm {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.source = r.string(end);
        break;
      case 0x12:
        m.medium = r.string(end);
        break;
      case 0x1a:
        m.campaign = r.string(end);
        break;
      case 0x22:
        m.term = r.string(end);
        break;
      case 0x2a:
        m.content = r.string(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function commerce(r: WireReader, end: number, depth: number, m: Commerce): Commerce {
  if (depth > MAX_DEPTH) throw unsupported;
  const d = depth + 1;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.orderId = r.string(end);
        break;
      case 0x12:
        m.revenue = money(r, r.delimited(end), d, m.revenue ?? zeroMoney());
        break;
      case 0x1a:
        m.items.push(item(r, r.delimited(end), d, zeroItem()));
        break;
      case 0x22:
        m.cartId = r.string(end);
        break;
      case 0x2a:
        m.coupon = r.string(end);
        break;
      case 0x32:
        m.shipping = money(r, r.delimited(end), d, m.shipping ?? zeroMoney());
        break;
      case 0x3a:
        m.tax = money(r, r.delimited(end), d, m.tax ?? zeroMoney());
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function item(r: WireReader, end: number, depth: number, m: Item): Item {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.productId = r.string(end);
        break;
      case 0x12:
        m.name = r.string(end);
        break;
      case 0x1a:
        m.category = r.string(end);
        break;
      case 0x22:
        m.price = money(r, r.delimited(end), depth + 1, m.price ?? zeroMoney());
        break;
      case 0x28:
        m.quantity = r.int32(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function money(r: WireReader, end: number, depth: number, m: Money): Money {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x09:
        m.amount = r.double(end);
        break;
      case 0x12:
        m.currency = r.string(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

function enrichment(r: WireReader, end: number, depth: number, m: Enrichment): Enrichment {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x0a:
        m.deviceType = r.string(end);
        break;
      case 0x12:
        m.browser = r.string(end);
        break;
      case 0x1a:
        m.browserVersion = r.string(end);
        break;
      case 0x22:
        m.os = r.string(end);
        break;
      case 0x2a:
        m.osVersion = r.string(end);
        break;
      case 0x30:
        m.isBot = r.bool(end);
        break;
      case 0x3a:
        m.country = r.string(end);
        break;
      case 0x42:
        m.region = r.string(end);
        break;
      case 0x4a:
        m.referrerDomain = r.string(end);
        break;
      case 0x52:
        m.channel = r.string(end);
        break;
      default:
        throw unsupported;
    }
  }
  return m;
}

// Zero messages as protobuf-es's create() builds them: `$typeName`, then the implicit-presence fields
// (scalars and lists) in declaration order; message fields are absent until read.

const zeroEvent = (): Event => ({
  $typeName: 'broxiva.analytics.common.v1.Event',
  eventId: '',
  eventType: '',
  userId: '',
  anonymousId: '',
  sessionId: '',
  historical: false,
});

const zeroTimestamp = (): Timestamp => ({ $typeName: 'google.protobuf.Timestamp', seconds: 0n, nanos: 0 });

const zeroContext = (): EventContext => ({
  $typeName: 'broxiva.analytics.common.v1.EventContext',
  pageUrl: '',
  pagePath: '',
  pageTitle: '',
  referrer: '',
  ip: '',
  userAgent: '',
  locale: '',
  country: '',
  region: '',
  timezone: '',
});

const zeroUtm = (): Utm => ({
  $typeName: 'broxiva.analytics.common.v1.Utm',
  source: '',
  medium: '',
  campaign: '',
  term: '',
  content: '',
});

const zeroCommerce = (): Commerce => ({
  $typeName: 'broxiva.analytics.common.v1.Commerce',
  orderId: '',
  items: [],
  cartId: '',
  coupon: '',
});

const zeroItem = (): Item => ({
  $typeName: 'broxiva.analytics.common.v1.Item',
  productId: '',
  name: '',
  category: '',
  quantity: 0,
});

const zeroMoney = (): Money => ({ $typeName: 'broxiva.analytics.common.v1.Money', amount: 0, currency: '' });

const zeroEnrichment = (): Enrichment => ({
  $typeName: 'broxiva.analytics.common.v1.Enrichment',
  deviceType: '',
  browser: '',
  browserVersion: '',
  os: '',
  osVersion: '',
  isBot: false,
  country: '',
  region: '',
  referrerDomain: '',
  channel: '',
});
