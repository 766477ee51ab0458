import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type Event, type Money } from '@broxiva/contracts';

/**
 * Who an event belongs to in every per-user read (journeys, funnels, cohorts, the activity tables):
 * `user_id`, else `anonymous_id`. The expression the `events_user_ts` index is built on, written the same
 * way so PostgreSQL uses the index.
 */
export const USER_KEY_SQL = 'coalesce(user_id, anonymous_id)';

/**
 * The events table's columns, in COPY order. Dimensions every report slices by are columns; free-form
 * properties and line items stay JSONB. Money is NUMERIC(18,4) in the event's currency.
 */
export const EVENT_COLUMNS = [
  'event_id',
  'event_type',
  'user_id',
  'anonymous_id',
  'session_id',
  'ts',
  'received_at',
  'original_ts',
  'sent_at',
  'historical',
  'properties',
  'page_url',
  'page_path',
  'page_title',
  'referrer',
  'referrer_domain',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'locale',
  'timezone',
  'device_type',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'is_bot',
  'country',
  'region',
  'channel',
  'order_id',
  'cart_id',
  'coupon',
  'revenue',
  'currency',
  'shipping',
  'tax',
  'items',
] as const;

export type EventColumn = (typeof EVENT_COLUMNS)[number];
export type CellValue = string | number | boolean | null;

const orNull = (s: string): string | null => (s === '' ? null : s);
const iso = (t: Event['timestamp']): string | null =>
  t === undefined ? null : timestampDate(t).toISOString();
const amount = (m: Money | undefined): number | null => (m === undefined ? null : m.amount);

/** One stored row for an event, in EVENT_COLUMNS order. */
export function eventToRow(e: Event): CellValue[] {
  const c = e.context;
  const x = e.enrichment;
  const m = e.commerce;
  const items = m?.items.map((i) => ({
    product_id: i.productId,
    name: i.name,
    category: i.category,
    price: i.price?.amount ?? null,
    currency: i.price?.currency ?? null,
    quantity: i.quantity,
  }));
  return [
    e.eventId,
    e.eventType,
    orNull(e.userId),
    orNull(e.anonymousId),
    orNull(e.sessionId),
    iso(e.timestamp),
    iso(e.receivedAt),
    iso(e.originalTimestamp),
    iso(e.sentAt),
    e.historical,
    e.properties === undefined ? null : JSON.stringify(e.properties),
    orNull(c?.pageUrl ?? ''),
    orNull(c?.pagePath ?? ''),
    orNull(c?.pageTitle ?? ''),
    orNull(c?.referrer ?? ''),
    orNull(x?.referrerDomain ?? ''),
    orNull(c?.utm?.source ?? ''),
    orNull(c?.utm?.medium ?? ''),
    orNull(c?.utm?.campaign ?? ''),
    orNull(c?.utm?.term ?? ''),
    orNull(c?.utm?.content ?? ''),
    orNull(c?.locale ?? ''),
    orNull(c?.timezone ?? ''),
    orNull(x?.deviceType ?? ''),
    orNull(x?.browser ?? ''),
    orNull(x?.browserVersion ?? ''),
    orNull(x?.os ?? ''),
    orNull(x?.osVersion ?? ''),
    x?.isBot ?? false,
    orNull(x?.country ?? ''),
    orNull(x?.region ?? ''),
    orNull(x?.channel ?? ''),
    orNull(m?.orderId ?? ''),
    orNull(m?.cartId ?? ''),
    orNull(m?.coupon ?? ''),
    amount(m?.revenue),
    orNull(m?.revenue?.currency ?? ''),
    amount(m?.shipping),
    amount(m?.tax),
    items === undefined ? null : JSON.stringify(items),
  ];
}

type Row = Record<EventColumn, unknown>;

const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const ts = (v: unknown) => (v instanceof Date ? timestampFromDate(v) : undefined);
const money = (value: unknown, currency: unknown) =>
  value === null || value === undefined ? undefined : { amount: Number(value), currency: s(currency) };

interface StoredItem {
  product_id: string;
  name: string;
  category: string;
  price: number | null;
  currency: string | null;
  quantity: number;
}

/** The event back from a row read with `SELECT <EVENT_COLUMNS>` (pg returns Date for timestamptz). */
export function rowToEvent(r: Row): Event {
  const currency = r.currency;
  const hasCommerce = r.order_id !== null || r.revenue !== null || r.items !== null || r.cart_id !== null;
  return create(EventSchema, {
    eventId: s(r.event_id),
    eventType: s(r.event_type),
    userId: s(r.user_id),
    anonymousId: s(r.anonymous_id),
    sessionId: s(r.session_id),
    timestamp: ts(r.ts),
    receivedAt: ts(r.received_at),
    originalTimestamp: ts(r.original_ts),
    sentAt: ts(r.sent_at),
    historical: r.historical === true,
    properties: (r.properties ?? undefined) as JsonObject | undefined,
    context: {
      pageUrl: s(r.page_url),
      pagePath: s(r.page_path),
      pageTitle: s(r.page_title),
      referrer: s(r.referrer),
      utm: {
        source: s(r.utm_source),
        medium: s(r.utm_medium),
        campaign: s(r.utm_campaign),
        term: s(r.utm_term),
        content: s(r.utm_content),
      },
      locale: s(r.locale),
      timezone: s(r.timezone),
    },
    enrichment: {
      deviceType: s(r.device_type),
      browser: s(r.browser),
      browserVersion: s(r.browser_version),
      os: s(r.os),
      osVersion: s(r.os_version),
      isBot: r.is_bot === true,
      country: s(r.country),
      region: s(r.region),
      referrerDomain: s(r.referrer_domain),
      channel: s(r.channel),
    },
    commerce: hasCommerce
      ? {
          orderId: s(r.order_id),
          cartId: s(r.cart_id),
          coupon: s(r.coupon),
          revenue: money(r.revenue, currency),
          shipping: money(r.shipping, currency),
          tax: money(r.tax, currency),
          items: ((r.items ?? []) as StoredItem[]).map((i) => ({
            productId: i.product_id,
            name: i.name,
            category: i.category,
            price: i.price === null ? undefined : { amount: i.price, currency: i.currency ?? '' },
            quantity: i.quantity,
          })),
        }
      : undefined,
  });
}
