import { fromMoneyUnits } from './live-event.js';

/** The raw counts the store reads in one round trip. */
export interface OverviewCounts {
  readonly activeUsers: number;
  readonly activeSessions: number;
  readonly ordersToday: number;
  /** Shop-currency money units (see MONEY_SCALE). */
  readonly revenueTodayUnits: number;
  /** Sum of the net cart values of today's sessions that added to cart, in money units. */
  readonly cartSumUnits: number;
  /** Today's sessions that added to cart. */
  readonly cartSessions: number;
  /** Today's sessions (with any counted event today). */
  readonly sessionsToday: number;
  /** Today's sessions with a purchase. */
  readonly purchasingSessions: number;
}

export interface Overview {
  readonly timestampMs: number;
  readonly activeUsers: number;
  readonly activeSessions: number;
  readonly ordersToday: number;
  readonly revenueToday: number;
  readonly cartValueAvg: number;
  /** Percentage 0-100. */
  readonly conversionRate: number;
  readonly currency: string;
}

/** The overview's derived fields: means and rates are 0 when there is nothing to divide by. */
export function overviewFrom(c: OverviewCounts, timestampMs: number, currency: string): Overview {
  return {
    timestampMs,
    activeUsers: c.activeUsers,
    activeSessions: c.activeSessions,
    ordersToday: c.ordersToday,
    revenueToday: fromMoneyUnits(c.revenueTodayUnits),
    cartValueAvg: c.cartSessions === 0 ? 0 : fromMoneyUnits(c.cartSumUnits) / c.cartSessions,
    conversionRate: c.sessionsToday === 0 ? 0 : (c.purchasingSessions / c.sessionsToday) * 100,
    currency,
  };
}

/** Whether two overviews differ in anything but their timestamp: what WatchOverview calls a change. */
export function overviewChanged(a: Overview | undefined, b: Overview): boolean {
  return (
    a === undefined ||
    a.activeUsers !== b.activeUsers ||
    a.activeSessions !== b.activeSessions ||
    a.ordersToday !== b.ordersToday ||
    a.revenueToday !== b.revenueToday ||
    a.cartValueAvg !== b.cartValueAvg ||
    a.conversionRate !== b.conversionRate ||
    a.currency !== b.currency
  );
}
