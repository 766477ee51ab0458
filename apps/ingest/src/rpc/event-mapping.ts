import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  CommerceSchema,
  EnrichmentSchema,
  FieldViolationSchema,
  type Commerce as CommerceMsg,
  type Event,
  type FieldViolation,
  type Money as MoneyMsg,
} from '@broxiva/contracts';
import {
  emptyContext,
  type Commerce,
  type EventInput,
  type Money,
  type PreparedEvent,
  type Violation,
} from '@broxiva/ingest-domain';

const date = (t: Timestamp | undefined): Date | undefined => (t === undefined ? undefined : timestampDate(t));
const money = (m: MoneyMsg | undefined): Money | undefined =>
  m === undefined ? undefined : { amount: m.amount, currency: m.currency.toUpperCase() };

function commerce(c: CommerceMsg | undefined): Commerce | undefined {
  if (c === undefined) return undefined;
  return {
    orderId: c.orderId,
    revenue: money(c.revenue),
    items: c.items.map((i) => ({
      productId: i.productId,
      name: i.name,
      category: i.category,
      price: money(i.price),
      quantity: i.quantity,
    })),
    cartId: c.cartId,
    coupon: c.coupon,
    shipping: money(c.shipping),
    tax: money(c.tax),
  };
}

/** The client's event as the ingest domain sees it. Server-written fields in the message are ignored. */
export function toEventInput(e: Event): EventInput {
  const c = e.context;
  return {
    eventId: e.eventId,
    eventType: e.eventType,
    userId: e.userId,
    anonymousId: e.anonymousId,
    sessionId: e.sessionId,
    timestamp: date(e.timestamp),
    sentAt: date(e.sentAt),
    properties: e.properties,
    context:
      c === undefined
        ? emptyContext
        : {
            pageUrl: c.pageUrl,
            pagePath: c.pagePath,
            pageTitle: c.pageTitle,
            referrer: c.referrer,
            utm: c.utm ?? emptyContext.utm,
            ip: c.ip,
            userAgent: c.userAgent,
            locale: c.locale,
            country: c.country.toUpperCase(),
            region: c.region,
            timezone: c.timezone,
          },
    commerce: commerce(e.commerce),
  };
}

/**
 * The accepted event as published on the bus and stored: the client's message with the server's fields
 * written into it. Updating the decoded request in place, rather than building a new message, keeps the
 * properties (a Struct, the costliest part to convert) untouched on the hot path.
 */
export function withServerFields(message: Event, e: PreparedEvent): Event {
  message.eventId = e.eventId;
  message.timestamp = timestampFromDate(e.timestamp);
  message.receivedAt = timestampFromDate(e.receivedAt);
  message.originalTimestamp =
    e.originalTimestamp === undefined ? undefined : timestampFromDate(e.originalTimestamp);
  message.enrichment = create(EnrichmentSchema, e.enrichment);
  message.historical = e.historical;
  if (message.context !== undefined) message.context.ip = '';
  if (message.commerce === undefined && e.commerce !== undefined) {
    message.commerce = create(CommerceSchema, {
      ...e.commerce,
      items: e.commerce.items.map((i) => ({ ...i })),
    });
  }
  return message;
}

export const toFieldViolation = (v: Violation): FieldViolation => create(FieldViolationSchema, { ...v });
