import { testEvent } from './testing.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const item = (category: string, price: number, quantity: number) => ({
  productId: `p-${category}`,
  category,
  price: eur(price),
  quantity,
});
const u1 = {
  userId: 'u1',
  sessionId: 's1',
  context: { utm: { source: 'google' } },
  enrichment: {
    country: 'DE',
    region: 'Bavaria',
    deviceType: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    channel: 'organic',
    referrerDomain: 'google.com',
  },
};
const u2 = {
  userId: 'u2',
  sessionId: 's2',
  enrichment: {
    country: 'US',
    region: 'California',
    deviceType: 'desktop',
    browser: 'Firefox',
    os: 'Windows',
    channel: 'direct',
  },
};
const u3 = {
  userId: 'u3',
  sessionId: 's3',
  context: { utm: { source: 'facebook' } },
  enrichment: {
    country: 'DE',
    region: 'Berlin',
    deviceType: 'mobile',
    browser: 'Safari',
    os: 'iOS',
    channel: 'paid',
  },
};
const u4 = { ...u3, userId: '', anonymousId: 'anon-4', sessionId: 's4', context: {} };

/**
 * The known event set of the metric tests. November 2025 (UTC), by hand:
 * revenue 330 (250 + 80), orders 2, items 4, page views 4 (the bot's is left out), product views 2,
 * add to cart 2, checkout starts 1, sessions 4 (s1–s4), users 4, new users 2 (u1, u2 were seen in
 * October), purchasing sessions 2 (s1, s3) → conversion 50 %, cart sessions s1, s2 of which s2 bought
 * nothing → abandonment 50 %, AOV 165. October (the previous 30 days): revenue 100, 1 order, 2 users.
 */
export function fixtureEvents() {
  return [
    testEvent('2025-10-20T08:00:00Z', { ...u1, sessionId: 's0', eventType: 'page_view' }),
    testEvent('2025-10-25T12:00:00Z', {
      ...u2,
      sessionId: 's5',
      eventType: 'purchase',
      commerce: { orderId: 'o0', revenue: eur(100), items: [item('books', 25, 4)] },
    }),
    testEvent('2025-11-03T10:05:00Z', { ...u1, eventType: 'page_view' }),
    testEvent('2025-11-03T10:06:00Z', {
      ...u1,
      eventType: 'product_view',
      properties: { category: 'electronics' },
    }),
    testEvent('2025-11-03T10:07:00Z', {
      ...u1,
      eventType: 'add_to_cart',
      commerce: { cartId: 'c1', items: [item('electronics', 100, 1)] },
    }),
    testEvent('2025-11-03T10:10:00Z', { ...u1, eventType: 'checkout_start' }),
    testEvent('2025-11-03T10:12:00Z', {
      ...u1,
      eventType: 'purchase',
      commerce: {
        orderId: 'o1',
        revenue: eur(250),
        items: [item('electronics', 100, 2), item('books', 50, 1)],
      },
    }),
    testEvent('2025-11-05T14:00:00Z', { ...u2, eventType: 'page_view' }),
    testEvent('2025-11-05T14:01:00Z', {
      ...u2,
      eventType: 'add_to_cart',
      commerce: { cartId: 'c2', items: [item('books', 20, 1)] },
    }),
    testEvent('2025-11-05T14:02:00Z', {
      ...u2,
      eventType: 'product_view',
      properties: { category: 'electronics' },
    }),
    testEvent('2025-11-10T12:00:00Z', {
      ...u2,
      userId: 'bot',
      sessionId: 'sb',
      eventType: 'page_view',
      enrichment: { isBot: true },
    }),
    testEvent('2025-11-20T09:00:00Z', { ...u3, eventType: 'page_view' }),
    testEvent('2025-11-20T09:05:00Z', {
      ...u3,
      eventType: 'purchase',
      commerce: { orderId: 'o2', revenue: eur(80), items: [item('electronics', 80, 1)] },
    }),
    // 00:30 on 1 December in Berlin: November in UTC, December in Europe/Berlin.
    testEvent('2025-11-30T23:30:00Z', { ...u4, eventType: 'page_view' }),
  ];
}
