import { commerceFromProperties, LIFTED_FIELD_PATHS } from './commerce-from-properties.js';
import { correctTimestamp } from './clock-skew.js';
import { enrich, type GeoLookup, type UserAgentParser } from './enrich.js';
import type { EventInput, PreparedEvent, Violation } from './event.js';
import { validateEvent, type EventRules } from './validate-event.js';

export interface PrepareRules extends EventRules {
  /** Events whose corrected time is older than this are accepted but flagged historical. */
  readonly historicalAfterMs: number;
  /** ISO 4217 currency for order amounts sent as plain properties without a `currency` (SHOP_CURRENCY). */
  readonly defaultCurrency: string;
}

export interface PrepareDeps {
  readonly rules: PrepareRules;
  /** A fresh UUIDv7 for events the client sent without an id. */
  readonly newId: () => string;
  readonly geo?: GeoLookup | undefined;
  /** Defaults to an uncached parser; apps pass createUserAgentParser(). */
  readonly parseUserAgent?: UserAgentParser;
}

export type Prepared = { kind: 'ok'; event: PreparedEvent } | { kind: 'rejected'; violations: Violation[] };

/**
 * Turns a client's event into one ready to publish, or the list of rules it breaks:
 * commerce lifted from properties when absent, clock skew corrected, validated, enriched, id assigned,
 * raw IP dropped.
 */
export function prepareEvent(input: EventInput, receivedAt: Date, deps: PrepareDeps): Prepared {
  const lifted =
    input.commerce === undefined && COMMERCE_TYPES.has(input.eventType)
      ? commerceFromProperties(input.properties, deps.rules.defaultCurrency)
      : undefined;
  const event = lifted === undefined ? input : { ...input, commerce: lifted };
  const { timestamp, original } = correctTimestamp(input.timestamp, input.sentAt, receivedAt);
  const violations = validateEvent(event, timestamp, receivedAt, deps.rules);
  if (violations.length > 0) {
    const named = lifted === undefined ? violations : violations.map(renameLifted);
    return { kind: 'rejected', violations: named };
  }
  // Written out rather than spread: a spread that adds properties its source lacks costs V8 microseconds
  // an event, a large share of this function's time.
  const c = event.context;
  return {
    kind: 'ok',
    event: {
      eventId: event.eventId === '' ? deps.newId() : event.eventId.toLowerCase(),
      eventType: event.eventType,
      userId: event.userId,
      anonymousId: event.anonymousId,
      sessionId: event.sessionId,
      timestamp,
      sentAt: event.sentAt,
      receivedAt,
      originalTimestamp: original,
      properties: event.properties,
      context: {
        pageUrl: c.pageUrl,
        pagePath: c.pagePath,
        pageTitle: c.pageTitle,
        referrer: c.referrer,
        utm: c.utm,
        ip: '',
        userAgent: c.userAgent,
        locale: c.locale,
        country: c.country,
        region: c.region,
        timezone: c.timezone,
      },
      commerce: event.commerce,
      enrichment: enrich(c, deps.geo, deps.parseUserAgent),
      historical: receivedAt.getTime() - timestamp.getTime() > deps.rules.historicalAfterMs,
    },
  };
}

/** Event types whose order or cart data may come as plain properties; a product_view's price stays a property. */
const COMMERCE_TYPES = new Set(['add_to_cart', 'remove_from_cart', 'checkout_start', 'purchase']);

const renameLifted = (v: Violation): Violation => {
  const field = LIFTED_FIELD_PATHS[v.field];
  return field === undefined ? v : { ...v, field, description: v.description.replace(v.field, field) };
};
