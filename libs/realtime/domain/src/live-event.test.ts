import { describe, expect, it } from 'vitest';
import { cartDeltaUnits, planLiveUpdate, type LiveEvent, type LivePolicy } from './live-event.js';

const NOW = Date.parse('2025-12-04T22:30:00Z');

const event = (over: Partial<LiveEvent> = {}): LiveEvent => ({
  eventId: 'e1',
  eventType: 'page_view',
  userId: '',
  anonymousId: 'anon-1',
  sessionId: 's1',
  timestampMs: NOW - 1_000,
  receivedAtMs: NOW - 500,
  historical: false,
  isBot: false,
  deviceType: 'mobile',
  region: 'BY',
  country: 'DE',
  pagePath: '/p/1',
  orderId: '',
  revenue: undefined,
  items: [],
  ...over,
});

const policy: LivePolicy = {
  includeBots: false,
  shopCurrency: 'EUR',
  timeZone: 'Europe/Berlin',
  dedupTtlMs: 3_600_000,
  windowMs: 60_000,
};

describe('planLiveUpdate', () => {
  it('keys a page view by the anonymous id, its Berlin day, minute and window', () => {
    const plan = planLiveUpdate(event(), policy, NOW);
    expect(plan).toEqual({
      kind: 'apply',
      update: {
        eventId: 'e1',
        seenUntilMs: NOW - 500 + 3_600_000,
        actor: 'anon-1',
        session: 's1',
        timestampMs: NOW - 1_000,
        deviceType: 'mobile',
        region: 'DE-BY',
        pagePath: '/p/1',
        // 22:29:59 UTC is 23:29:59 in Berlin: still the 4th; its keys go at the end of the 5th (Berlin).
        day: '2025-12-04',
        dayExpiresAtMs: Date.parse('2025-12-05T23:00:00Z'),
        minuteMs: Date.parse('2025-12-04T22:29:00Z'),
        funnelStep: 'page_view',
        windowStartMs: Date.parse('2025-12-04T22:29:00Z'),
        cartDeltaUnits: 0,
        addedToCart: false,
        purchase: undefined,
      },
    });
  });

  it('prefers user_id, and gives a session-less event a session of its own', () => {
    const plan = planLiveUpdate(event({ userId: 'u7', sessionId: '', eventId: 'abc' }), policy, NOW);
    expect(plan.kind === 'apply' && [plan.update.actor, plan.update.session]).toEqual(['u7', '~abc']);
  });

  it('leaves out historical events, bots unless included, and deliveries past the dedup TTL', () => {
    expect(planLiveUpdate(event({ historical: true }), policy, NOW)).toEqual({
      kind: 'skip',
      reason: 'historical',
    });
    expect(planLiveUpdate(event({ isBot: true }), policy, NOW)).toEqual({ kind: 'skip', reason: 'bot' });
    expect(planLiveUpdate(event({ isBot: true }), { ...policy, includeBots: true }, NOW).kind).toBe('apply');
    expect(planLiveUpdate(event({ receivedAtMs: NOW - 3_600_000 }), policy, NOW)).toEqual({
      kind: 'skip',
      reason: 'too-late',
    });
    expect(planLiveUpdate(event({ anonymousId: '' }), policy, NOW)).toEqual({
      kind: 'skip',
      reason: 'no-actor',
    });
  });

  it('counts purchase revenue only in the shop currency, exactly to 1/10,000', () => {
    const eur = planLiveUpdate(
      event({ eventType: 'purchase', orderId: 'o1', revenue: { amount: 15420.5, currency: 'EUR' } }),
      policy,
      NOW,
    );
    expect(eur.kind === 'apply' && eur.update.purchase).toEqual({ orderId: 'o1', revenueUnits: 154_205_000 });
    const usd = planLiveUpdate(
      event({ eventType: 'purchase', orderId: 'o2', revenue: { amount: 10, currency: 'USD' } }),
      policy,
      NOW,
    );
    expect(usd.kind === 'apply' && usd.update.purchase).toEqual({ orderId: 'o2', revenueUnits: 0 });
  });

  it('puts an event after local midnight into the next day', () => {
    const plan = planLiveUpdate(
      event({ timestampMs: Date.parse('2025-12-04T23:00:00Z'), receivedAtMs: NOW + 1_800_000 }),
      policy,
      NOW + 3_600_000,
    );
    expect(plan.kind === 'apply' && plan.update.day).toBe('2025-12-05');
  });
});

describe('cartDeltaUnits', () => {
  it('adds the line value, subtracts removals, and ignores other types', () => {
    expect(
      cartDeltaUnits(event({ eventType: 'add_to_cart', revenue: { amount: 19.99, currency: 'EUR' } }), 'EUR'),
    ).toBe(199_900);
    expect(
      cartDeltaUnits(event({ eventType: 'remove_from_cart', revenue: { amount: 5, currency: '' } }), 'EUR'),
    ).toBe(-50_000);
    expect(
      cartDeltaUnits(event({ eventType: 'page_view', revenue: { amount: 5, currency: 'EUR' } }), 'EUR'),
    ).toBe(0);
  });

  it('falls back to the items, quantity 1 when unset, skipping other currencies', () => {
    const e = event({
      eventType: 'add_to_cart',
      items: [
        { price: 2.5, currency: 'EUR', quantity: 3 },
        { price: 4, currency: 'EUR', quantity: 0 },
        { price: 100, currency: 'USD', quantity: 1 },
      ],
    });
    expect(cartDeltaUnits(e, 'EUR')).toBe(115_000);
  });
});
