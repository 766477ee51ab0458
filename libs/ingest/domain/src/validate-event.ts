import type { Commerce, EventInput, Money, Violation } from './event.js';
import { CUSTOM_EVENT_TYPE_PATTERN, isKnownEventType } from './event-types.js';

/** Limits an event must respect; built from the app's config. */
export interface EventRules {
  /** How far past the server's clock an (already skew-corrected) timestamp may lie. */
  readonly maxFutureMs: number;
  /** Older events are refused: they would fall outside retention (MAX_EVENT_AGE_DAYS). */
  readonly maxAgeMs: number;
  /** Size of `properties` as JSON, in UTF-8 bytes. */
  readonly maxPropertiesBytes: number;
}

const SESSION_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ID_LENGTH = 256;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const COUNTRY = /^[A-Z]{2}$/;

/**
 * Checks one event against the ingest rules. `timestamp` is the corrected event time (see clock-skew.ts).
 * Returns every broken rule (empty when valid), with field paths in the request's JSON names.
 */
export function validateEvent(e: EventInput, timestamp: Date, now: Date, rules: EventRules): Violation[] {
  const v: Violation[] = [];
  const add = (field: string, rule: string, description: string) => v.push({ field, rule, description });

  if (e.eventId !== '' && !UUID.test(e.eventId)) add('event_id', 'uuid', 'event_id must be a UUID');
  if (e.eventType === '') add('event_type', 'required', 'event_type is required');
  else if (!isKnownEventType(e.eventType) && !CUSTOM_EVENT_TYPE_PATTERN.test(e.eventType)) {
    add(
      'event_type',
      'pattern',
      `event_type must be a known type or match ${CUSTOM_EVENT_TYPE_PATTERN.source} (lower snake case, max 64)`,
    );
  }
  if (e.userId === '' && e.anonymousId === '') {
    add('user_id', 'required_one_of', 'user_id or anonymous_id is required');
  }
  if (e.userId.length > MAX_ID_LENGTH)
    add('user_id', 'max_length', `user_id is longer than ${MAX_ID_LENGTH}`);
  if (e.anonymousId.length > MAX_ID_LENGTH) {
    add('anonymous_id', 'max_length', `anonymous_id is longer than ${MAX_ID_LENGTH}`);
  }
  if (e.sessionId !== '' && !SESSION_ID.test(e.sessionId)) {
    add('session_id', 'pattern', `session_id must match ${SESSION_ID.source}`);
  }
  if (timestamp.getTime() - now.getTime() > rules.maxFutureMs) {
    add(
      'timestamp',
      'not_in_future',
      `timestamp is more than ${rules.maxFutureMs / 60_000} minutes in the future`,
    );
  }
  if (now.getTime() - timestamp.getTime() > rules.maxAgeMs) {
    add('timestamp', 'max_age', `timestamp is older than ${Math.round(rules.maxAgeMs / 86_400_000)} days`);
  }
  for (const [field, value] of textFields(e)) {
    if (value.includes('\u0000')) add(field, 'no_nul', `${field} must not contain the NUL character`);
  }
  if (e.properties !== undefined) {
    const json = JSON.stringify(e.properties);
    // PostgreSQL can store neither a NUL in text nor \u0000 in jsonb.
    if (json.includes('\\u0000'))
      add('properties', 'no_nul', 'properties must not contain the NUL character');
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > rules.maxPropertiesBytes) {
      add(
        'properties',
        'max_bytes',
        `properties are ${bytes} bytes as JSON; the limit is ${rules.maxPropertiesBytes}`,
      );
    }
  }
  if (e.context.country !== '' && !COUNTRY.test(e.context.country)) {
    add('context.country', 'iso3166', 'context.country must be an ISO 3166-1 alpha-2 code such as DE');
  }
  if (e.commerce !== undefined) checkCommerce(e.commerce, add);
  if (e.eventType === 'purchase') checkPurchase(e.commerce, add);
  return v;
}

function textFields(e: EventInput): [string, string][] {
  const c = e.context;
  return [
    ['user_id', e.userId],
    ['anonymous_id', e.anonymousId],
    ['context.page_url', c.pageUrl],
    ['context.page_path', c.pagePath],
    ['context.page_title', c.pageTitle],
    ['context.referrer', c.referrer],
    ['context.user_agent', c.userAgent],
    ['context.region', c.region],
    ['context.locale', c.locale],
    ['context.utm.source', c.utm.source],
    ['context.utm.medium', c.utm.medium],
    ['context.utm.campaign', c.utm.campaign],
    ['context.utm.term', c.utm.term],
    ['context.utm.content', c.utm.content],
    ['commerce.order_id', e.commerce?.orderId ?? ''],
    ['commerce.cart_id', e.commerce?.cartId ?? ''],
    ['commerce.coupon', e.commerce?.coupon ?? ''],
    ...(e.commerce?.items ?? []).flatMap((i, n): [string, string][] => [
      [`commerce.items[${n}].product_id`, i.productId],
      [`commerce.items[${n}].name`, i.name],
      [`commerce.items[${n}].category`, i.category],
    ]),
  ];
}

type Add = (field: string, rule: string, description: string) => void;

function checkPurchase(c: Commerce | undefined, add: Add): void {
  if (c === undefined || c.orderId === '')
    add('commerce.order_id', 'required', 'a purchase needs an order id');
  if (c?.revenue === undefined) add('commerce.revenue', 'required', 'a purchase needs its revenue');
}

function checkCommerce(c: Commerce, add: Add): void {
  checkMoney('commerce.revenue', c.revenue, add);
  checkMoney('commerce.shipping', c.shipping, add);
  checkMoney('commerce.tax', c.tax, add);
  c.items.forEach((item, i) => {
    checkMoney(`commerce.items[${i}].price`, item.price, add);
    if (!Number.isInteger(item.quantity) || item.quantity < 0) {
      add(`commerce.items[${i}].quantity`, 'min', 'quantity must be a whole number of at least 0');
    }
  });
}

function checkMoney(path: string, m: Money | undefined, add: Add): void {
  if (m === undefined) return;
  if (!Number.isFinite(m.amount) || m.amount < 0)
    add(`${path}.amount`, 'min', `${path}.amount must be at least 0`);
  if (!CURRENCIES.has(m.currency)) {
    add(`${path}.currency`, 'iso4217', `${path}.currency must be an ISO 4217 code such as EUR`);
  }
}
