import type { AdditiveMeasure, DistinctMeasure } from '@broxiva/metrics-domain';

/** Additive measures that count events of one type: the type they count. */
export const EVENT_COUNTS: Partial<Record<AdditiveMeasure, string>> = {
  orders: 'purchase',
  page_views: 'page_view',
  product_views: 'product_view',
  add_to_cart: 'add_to_cart',
  checkout_starts: 'checkout_start',
};

export type SessionMeasure = Exclude<DistinctMeasure, 'users' | 'new_users'>;

/** Which sessions each session measure counts: a condition on a row's `r.event_type`. */
export const SESSIONS_OF: Readonly<Record<SessionMeasure, string>> = {
  sessions: 'true',
  purchase_sessions: `r.event_type = 'purchase'`,
  cart_sessions: `r.event_type = 'add_to_cart'`,
  cart_or_purchase_sessions: `r.event_type IN ('add_to_cart', 'purchase')`,
};

export const isSessionMeasure = (m: DistinctMeasure): m is SessionMeasure => m in SESSIONS_OF;

/** Whether `d` falls on a whole UTC hour. */
export const onHour = (d: Date) => d.getTime() % 3_600_000 === 0;
