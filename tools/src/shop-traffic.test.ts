import { timestampMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { createShop, inMarket, trafficShape, userIntent } from './shop-traffic.js';

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

  it('keen users (high intent) visit more often and buy more often per visit than browsers', () => {
    const shop = createShop({ seed: 5, users: 2000, currency: 'EUR' });
    const stats = { keen: { users: 0, sessions: 0, buys: 0 }, browsers: { users: 0, sessions: 0, buys: 0 } };
    for (let k = 0; k < 2000; k++) stats[userIntent(5, k) > 0.3 ? 'keen' : 'browsers'].users++;
    for (let s = 0; s < 20_000; s++) {
      const events = shop.session(new Date('2025-12-04T10:00:00Z'));
      const k = Number(events[0]!.userId.slice('user_'.length));
      const g = stats[userIntent(5, k) > 0.3 ? 'keen' : 'browsers'];
      g.sessions++;
      if (events.some((e) => e.eventType === 'purchase')) g.buys++;
    }
    const { keen, browsers } = stats;
    expect(keen.users).toBeGreaterThan(100);
    expect(keen.sessions / keen.users).toBeGreaterThan((1.5 * browsers.sessions) / browsers.users);
    expect(keen.buys / keen.sessions).toBeGreaterThan((1.5 * browsers.buys) / browsers.sessions);
  });

  it('users shop in bursts: in market, they visit more and buy more per visit', () => {
    const shop = createShop({ seed: 9, users: 2000, currency: 'EUR' });
    const at = new Date('2025-12-04T10:00:00Z');
    const share =
      Array.from({ length: 2000 }, (_, k) => inMarket(9, k, at.getTime())).filter(Boolean).length / 2000;
    // About 7 days in every 600-1200.
    expect(share).toBeGreaterThan(0.003);
    expect(share).toBeLessThan(0.02);
    const g = { in: { sessions: 0, buys: 0 }, out: { sessions: 0, buys: 0 } };
    for (let s = 0; s < 20_000; s++) {
      const events = shop.session(at);
      const x = g[inMarket(9, Number(events[0]!.userId.slice('user_'.length)), at.getTime()) ? 'in' : 'out'];
      x.sessions++;
      if (events.some((e) => e.eventType === 'purchase')) x.buys++;
    }
    expect(g.in.sessions / share).toBeGreaterThan((50 * g.out.sessions) / (1 - share));
    expect(g.in.buys / g.in.sessions).toBeGreaterThan((2 * g.out.buys) / g.out.sessions);
  });

  it('is busiest in the afternoon and quietest before dawn, busier at weekends', () => {
    const thursday = (h: number) => trafficShape(new Date(Date.UTC(2025, 11, 4, h)));
    expect(thursday(16)).toBeGreaterThan(thursday(4) * 3);
    expect(trafficShape(new Date(Date.UTC(2025, 11, 6, 16)))).toBeCloseTo(thursday(16) * 1.2, 6);
  });
});
