import { describe, expect, it } from 'vitest';
import { measuresFor, metricValue } from './catalogue.js';
import { changePercent, previousRange } from './periods.js';

describe('metrics from measures', () => {
  const m = {
    revenue: 1000.12345,
    orders: 3,
    purchase_sessions: 2,
    sessions: 8,
    cart_sessions: 5,
    cart_or_purchase_sessions: 6,
    users: 6,
  };
  it('derives ratios and rounds them', () => {
    expect(metricValue('average_order_value', m)).toBe(333.3745);
    expect(metricValue('conversion_rate', m)).toBe(25);
    expect(metricValue('revenue', m)).toBe(1000.1235);
    expect(metricValue('users', m)).toBe(6);
    expect(metricValue('conversion_rate', {})).toBe(0);
    // 5 cart sessions, 2 purchasing, 6 with either: 1 purchased with a cart, 4 abandoned.
    expect(
      metricValue('cart_abandonment_rate', {
        purchase_sessions: 2,
        cart_sessions: 5,
        cart_or_purchase_sessions: 6,
      }),
    ).toBe(80);
  });
  it('splits measures into additive and distinct', () => {
    expect(measuresFor(['average_order_value', 'conversion_rate', 'orders'])).toEqual({
      additive: ['revenue', 'orders'],
      distinct: ['sessions', 'purchase_sessions'],
    });
  });
  it('compares with the previous period of the same length', () => {
    expect(previousRange(new Date('2025-11-01T00:00:00Z'), new Date('2025-12-01T00:00:00Z'))).toEqual({
      start: new Date('2025-10-02T00:00:00Z'),
      end: new Date('2025-11-01T00:00:00Z'),
    });
    expect(changePercent(150, 120)).toBe(25);
    expect(changePercent(1, 3)).toBe(-66.67);
    expect(changePercent(5, 0)).toBeUndefined();
  });
});
