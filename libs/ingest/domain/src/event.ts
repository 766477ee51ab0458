/**
 * The ingest domain's view of an event: plain data, no generated contract types (the Ingest app maps
 * the protobuf message to and from these). Empty strings mean "absent", as in proto3.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface Item {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money | undefined;
  readonly quantity: number;
}

export interface Commerce {
  readonly orderId: string;
  readonly revenue: Money | undefined;
  readonly items: readonly Item[];
  readonly cartId: string;
  readonly coupon: string;
  readonly shipping: Money | undefined;
  readonly tax: Money | undefined;
}

export interface Utm {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
  readonly term: string;
  readonly content: string;
}

export interface EventContext {
  readonly pageUrl: string;
  readonly pagePath: string;
  readonly pageTitle: string;
  readonly referrer: string;
  readonly utm: Utm;
  readonly ip: string;
  readonly userAgent: string;
  readonly locale: string;
  readonly country: string;
  readonly region: string;
  readonly timezone: string;
}

export type JsonObject = { readonly [key: string]: unknown };

/** An event as a client sent it. */
export interface EventInput {
  readonly eventId: string;
  readonly eventType: string;
  readonly userId: string;
  readonly anonymousId: string;
  readonly sessionId: string;
  readonly timestamp: Date | undefined;
  readonly sentAt: Date | undefined;
  readonly properties: JsonObject | undefined;
  readonly context: EventContext;
  readonly commerce: Commerce | undefined;
}

export interface Enrichment {
  readonly deviceType: string;
  readonly browser: string;
  readonly browserVersion: string;
  readonly os: string;
  readonly osVersion: string;
  readonly isBot: boolean;
  readonly country: string;
  readonly region: string;
  readonly referrerDomain: string;
  readonly channel: Channel;
}

export type Channel = 'direct' | 'organic_search' | 'paid' | 'social' | 'email' | 'referral';

/** An accepted event, ready to publish: id assigned, time corrected, enriched, raw IP removed. */
export interface PreparedEvent extends Omit<EventInput, 'timestamp' | 'eventId'> {
  readonly eventId: string;
  readonly timestamp: Date;
  readonly receivedAt: Date;
  /** The client's timestamp when skew correction changed it. */
  readonly originalTimestamp: Date | undefined;
  readonly enrichment: Enrichment;
  readonly historical: boolean;
}

/** One broken rule: `field` is the JSON path in the request's snake_case names. */
export interface Violation {
  readonly field: string;
  readonly rule: string;
  readonly description: string;
}

export const emptyContext: EventContext = Object.freeze({
  pageUrl: '',
  pagePath: '',
  pageTitle: '',
  referrer: '',
  utm: Object.freeze({ source: '', medium: '', campaign: '', term: '', content: '' }),
  ip: '',
  userAgent: '',
  locale: '',
  country: '',
  region: '',
  timezone: '',
});
