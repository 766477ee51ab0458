import { timestampMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { createShop, trafficShape } from './shop-traffic.js';

const FUNNEL = ['product_view', 'add_to_cart', 'checkout_start', 'purchase'];

describe('shop traffic simulator', () => {
  it('is reproducible from its seed', () => {
    const a = createShop({ seed: 7, users: 100, currency: 'EUR' }).session(new Date('2025-12-04T10:00:00Z'));
    const b = createShop({ seed: 7, users: 100, currency: 'EUR' }).session(new Date('2025-12-04T10:00:00Z'));
    expect(a).toEqual(b);
  });

  it('makes sessions whose funnel steps come in order, in time order, with valid ids', () => {
    const shop = createShop({ seed: 1, users: 500, currency: 'EUR' });
    for (let s = 0; s < 2000; s++) {
      const events = shop.session(new Date('2025-12-04T10:00:00Z'));
      const steps = events.map((e) => FUNNEL.indexOf(e.eventType)).filter((i) => i >= 0);
      expect(steps).toEqual([...steps].sort((x, y) => x - y));
      const times = events.map((e) => timestampMs(e.timestamp!));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      for (const e of events)
        expect(e.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const purchase = events.find((e) => e.eventType === 'purchase');
      if (purchase) expect(purchase.commerce?.orderId).not.toBe('');
    }
  });

  it('converts about 3 % of sessions, like a typical shop', () => {
    const shop = createShop({ seed: 42, users: 1000, currency: 'EUR' });
    const sessions = Array.from({ length: 20_000 }, () => shop.session(new Date('2025-12-04T10:00:00Z')));
    const rate = sessions.filter((s) => s.some((e) => e.eventType === 'purchase')).length / sessions.length;
    expect(rate).toBeGreaterThan(0.025);
    expect(rate).toBeLessThan(0.045);
  });

  it('is busiest in the afternoon and quietest before dawn, busier at weekends', () => {
    const thursday = (h: number) => trafficShape(new Date(Date.UTC(2025, 11, 4, h)));
    expect(thursday(16)).toBeGreaterThan(thursday(4) * 3);
    expect(trafficShape(new Date(Date.UTC(2025, 11, 6, 16)))).toBeCloseTo(thursday(16) * 1.2, 6);
  });
});
