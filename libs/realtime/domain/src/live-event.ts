import { shopDayOf } from './shop-day.js';

/** What the live numbers need of one accepted event; the app maps the bus contract onto this. */
export interface LiveEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly userId: string;
  readonly anonymousId: string;
  /** '' when the client sent none: the event then counts as a session of its own. */
  readonly sessionId: string;
  /** Skew-corrected event time, ms since the epoch. */
  readonly timestampMs: number;
  /** When ingest accepted it, ms since the epoch. */
  readonly receivedAtMs: number;
  readonly historical: boolean;
  readonly isBot: boolean;
  readonly deviceType: string;
  readonly region: string;
  readonly country: string;
  readonly pagePath: string;
  readonly orderId: string;
  /** commerce.revenue: the order total of a purchase, the line value of a cart event. */
  readonly revenue: { readonly amount: number; readonly currency: string } | undefined;
  readonly items: readonly { readonly price: number; readonly currency: string; readonly quantity: number }[];
}

/** The funnel GetConversions reports, in order. */
export const FUNNEL_STEPS = [
  'page_view',
  'product_view',
  'add_to_cart',
  'checkout_start',
  'purchase',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

const isFunnelStep = (t: string): t is FunnelStep => (FUNNEL_STEPS as readonly string[]).includes(t);

/**
 * Money is kept in Redis as integer ten-thousandths of the shop currency (the store's NUMERIC(18,4)), so
 * sums stay exact: 15420.50 is 154205000.
 */
export const MONEY_SCALE = 10_000;
export const toMoneyUnits = (amount: number): number => Math.round(amount * MONEY_SCALE);
export const fromMoneyUnits = (units: number): number => units / MONEY_SCALE;

export function actorOf(e: Pick<LiveEvent, 'userId' | 'anonymousId'>): string {
  return e.userId !== '' ? e.userId : e.anonymousId;
}

/** `~<event_id>` for an event without a session: a session of its own that cannot collide with a client id. */
export function sessionOf(e: Pick<LiveEvent, 'sessionId' | 'eventId'>): string {
  return e.sessionId !== '' ? e.sessionId : `~${e.eventId}`;
}

/** Region for the active-user breakdown: the region, else the country, else "unknown". */
export function regionOf(e: Pick<LiveEvent, 'region' | 'country'>): string {
  if (e.region !== '') return e.country !== '' ? `${e.country}-${e.region}` : e.region;
  return e.country !== '' ? e.country : 'unknown';
}

/**
 * Value a cart event moves the cart by, in shop-currency money units: + for add_to_cart, - for
 * remove_from_cart, 0 otherwise. The line value is commerce.revenue, else the items' price × quantity
 * (quantity 1 when unset). Amounts in another currency are not converted: they count as 0.
 */
export function cartDeltaUnits(e: LiveEvent, shopCurrency: string): number {
  const sign = e.eventType === 'add_to_cart' ? 1 : e.eventType === 'remove_from_cart' ? -1 : 0;
  if (sign === 0) return 0;
  const inShop = (currency: string) => currency === '' || currency === shopCurrency;
  let amount = 0;
  if (e.revenue !== undefined) {
    amount = inShop(e.revenue.currency) ? e.revenue.amount : 0;
  } else {
    for (const item of e.items) {
      if (inShop(item.currency)) amount += item.price * (item.quantity > 0 ? item.quantity : 1);
    }
  }
  return sign * toMoneyUnits(amount);
}

/** Which events count, and how long an event id is remembered. */
export interface LivePolicy {
  /** Count events flagged as bots (default false: left out of every number). */
  readonly includeBots: boolean;
  /** ISO 4217 code; revenue and cart values in other currencies are not converted and not counted. */
  readonly shopCurrency: string;
  readonly timeZone: string;
  /** How long an applied event id is remembered; later redeliveries are refused, not counted twice. */
  readonly dedupTtlMs: number;
  /** REALTIME_WINDOW_SECONDS in ms: the conversion window size. */
  readonly windowMs: number;
}

export type SkipReason = 'historical' | 'bot' | 'too-late' | 'no-actor';

/** Everything the store must do for one event, with every key part and expiry computed here. */
export interface LiveUpdate {
  readonly eventId: string;
  /**
   * The id is remembered until then (one key per id: a client's resend gets a new received_at, so ids
   * cannot be grouped by time); also the last moment the event may be applied.
   */
  readonly seenUntilMs: number;
  readonly actor: string;
  readonly session: string;
  readonly timestampMs: number;
  readonly deviceType: string;
  readonly region: string;
  readonly pagePath: string;
  /** `YYYY-MM-DD` in the shop's zone, and when that day's keys may go (the end of the next day). */
  readonly day: string;
  readonly dayExpiresAtMs: number;
  /** Start of the event's minute; its distinct-user set lives 31 minutes. */
  readonly minuteMs: number;
  readonly funnelStep: FunnelStep | undefined;
  readonly windowStartMs: number;
  readonly cartDeltaUnits: number;
  readonly addedToCart: boolean;
  /** For a purchase: the order (counted once per order id) and its revenue in shop-currency units. */
  readonly purchase: { readonly orderId: string; readonly revenueUnits: number } | undefined;
}

export type LivePlan =
  | { readonly kind: 'apply'; readonly update: LiveUpdate }
  | { readonly kind: 'skip'; readonly reason: SkipReason };

const MINUTE_MS = 60_000;

/**
 * Decides whether an event counts in the live numbers and what it changes. Historical events and (by
 * default) bots are left out; so is an event delivered after its id would be forgotten (receivedAt +
 * dedupTtl), because applying it then could count it twice.
 */
export function planLiveUpdate(e: LiveEvent, policy: LivePolicy, nowMs: number): LivePlan {
  if (e.historical) return { kind: 'skip', reason: 'historical' };
  if (e.isBot && !policy.includeBots) return { kind: 'skip', reason: 'bot' };
  const seenUntilMs = e.receivedAtMs + policy.dedupTtlMs;
  if (seenUntilMs <= nowMs) return { kind: 'skip', reason: 'too-late' };
  const actor = actorOf(e);
  if (actor === '') return { kind: 'skip', reason: 'no-actor' };
  const day = shopDay(e.timestampMs, policy.timeZone);
  const purchase =
    e.eventType === 'purchase'
      ? {
          orderId: e.orderId !== '' ? e.orderId : `~${e.eventId}`,
          revenueUnits:
            e.revenue !== undefined &&
            (e.revenue.currency === '' || e.revenue.currency === policy.shopCurrency)
              ? toMoneyUnits(e.revenue.amount)
              : 0,
        }
      : undefined;
  return {
    kind: 'apply',
    update: {
      eventId: e.eventId,
      seenUntilMs,
      actor,
      session: sessionOf(e),
      timestampMs: e.timestampMs,
      deviceType: e.deviceType !== '' ? e.deviceType : 'unknown',
      region: regionOf(e),
      pagePath: e.pagePath,
      day: day.date,
      dayExpiresAtMs: day.expiresAtMs,
      minuteMs: Math.floor(e.timestampMs / MINUTE_MS) * MINUTE_MS,
      funnelStep: isFunnelStep(e.eventType) ? e.eventType : undefined,
      windowStartMs: Math.floor(e.timestampMs / policy.windowMs) * policy.windowMs,
      cartDeltaUnits: cartDeltaUnits(e, policy.shopCurrency),
      addedToCart: e.eventType === 'add_to_cart',
      purchase,
    },
  };
}

function shopDay(ms: number, timeZone: string): { date: string; expiresAtMs: number } {
  const day = shopDayOf(ms, timeZone);
  // Kept through the following day so a late event of yesterday lands in a live key, then dropped.
  return { date: day.date, expiresAtMs: day.endMs + 86_400_000 };
}
