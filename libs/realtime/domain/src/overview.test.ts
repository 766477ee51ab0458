import { describe, expect, it } from 'vitest';
import { overviewChanged, overviewFrom } from './overview.js';

describe('overviewFrom', () => {
  it('derives the average cart and the conversion rate', () => {
    const o = overviewFrom(
      {
        activeUsers: 12,
        activeSessions: 9,
        ordersToday: 3,
        revenueTodayUnits: 1_542_050,
        cartSumUnits: 2_559_000,
        cartSessions: 3,
        sessionsToday: 40,
        purchasingSessions: 3,
      },
      1_000,
      'EUR',
    );
    expect(o).toEqual({
      timestampMs: 1_000,
      activeUsers: 12,
      activeSessions: 9,
      ordersToday: 3,
      revenueToday: 154.205,
      cartValueAvg: 85.3,
      conversionRate: 7.5,
      currency: 'EUR',
    });
  });

  it('is 0 where nothing divides', () => {
    const zero = {
      activeUsers: 0,
      activeSessions: 0,
      ordersToday: 0,
      revenueTodayUnits: 0,
      cartSumUnits: 0,
      cartSessions: 0,
      sessionsToday: 0,
      purchasingSessions: 0,
    };
    const o = overviewFrom(zero, 5, 'USD');
    expect([o.cartValueAvg, o.conversionRate]).toEqual([0, 0]);
    expect(overviewChanged(o, { ...o, timestampMs: 99 })).toBe(false);
    expect(overviewChanged(o, { ...o, activeUsers: 1 })).toBe(true);
    expect(overviewChanged(undefined, o)).toBe(true);
  });
});
