import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type CommerceSchema, type Event } from '@broxiva/contracts';
import { seededRandom } from '@broxiva/insights-behaviour';

/** The simulator's PRNG, re-exported for the tools that replay its runs. */
export { seededRandom };

export const CATEGORIES = ['electronics', 'fashion', 'home', 'beauty', 'sports', 'books'] as const;
const REGIONS = [
  ['US', 'CA'],
  ['US', 'NY'],
  ['DE', 'BE'],
  ['FR', 'IDF'],
  ['GB', 'ENG'],
  ['BR', 'SP'],
] as const;
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
] as const;
const REFERRERS = [
  '',
  'https://www.google.com/',
  'https://l.facebook.com/',
  'https://blog.example.org/gift-guide',
];

/**
 * Daily and weekly rhythm of a shop: quietest at 04:00, busiest at 16:00, weekends 20 % busier.
 * Returns a multiplier around 1 for the hour of `t` (UTC).
 */
export function trafficShape(t: Date): number {
  const hour = t.getUTCHours() + t.getUTCMinutes() / 60;
  const daily = 1 + 0.6 * Math.cos(((hour - 16) / 24) * 2 * Math.PI);
  const weekend = t.getUTCDay() === 0 || t.getUTCDay() === 6 ? 1.2 : 1;
  return daily * weekend;
}

export interface ShopOptions {
  readonly seed: number;
  readonly users: number;
  readonly currency: string;
}

/** A uniform 0-1 number from a user number, the seed and a salt (MurmurHash3's finaliser). */
function userHash(seed: number, user: number, salt: number): number {
  let h = (Math.imul(user, 0x9e3779b1) ^ seed ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * A user's purchase intent, 0-1, fixed per user (a hash of the user number and the seed): cubed uniform,
 * so most users browse and few are keen buyers.
 */
export function userIntent(seed: number, user: number): number {
  return userHash(seed, user, 0) ** 3;
}

const DAY_MS = 86_400_000;

/**
 * Whether a user is "in market" at `ms`: shopping for something, a 7-day window that comes back every
 * 600-1200 days (period and phase per user). In market, users visit far more often (about half of all
 * sessions fall in such bursts, a few per burst) and add to cart and buy more often: real shoppers come
 * back several times within days before they buy.
 */
export function inMarket(seed: number, user: number, ms: number): boolean {
  const period = 600 + Math.floor(userHash(seed, user, 1) * 601);
  const phase = Math.floor(userHash(seed, user, 2) * period);
  return (Math.floor(ms / DAY_MS) + phase) % period < 7;
}

/**
 * Generates sessions of a plausible shop: each session views pages and products, some add to cart,
 * fewer check out, fewer still buy (roughly 3.5 % of sessions convert). Events carry fresh UUIDs.
 * Users differ in intent (userIntent): out of market, keen users visit up to 11× as often as browsers and add to cart
 * and buy more often; and they shop in bursts (inMarket): several visits within a week. So past behaviour predicts purchases, as in
 * a real shop.
 */
export function createShop(opts: ShopOptions) {
  const rnd = seededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const uuid = (): string => {
    const h = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16));
    h[12] = '4';
    h[16] = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  let sessionNo = 0;

  /** One session's events, starting at `start`, a few seconds apart. */
  function session(start: Date): Event[] {
    // Visits ∝ 150 in market, else 0.3 + 3 × intent, by rejection sampling against the largest weight.
    let k: number;
    let intent: number;
    let keen: boolean;
    do {
      k = Math.floor(rnd() * opts.users);
      intent = userIntent(opts.seed, k);
      keen = inMarket(opts.seed, k, start.getTime());
    } while (rnd() * 150 > (keen ? 150 : 0.3 + 3 * intent));
    const boost = keen ? 1 : 0;
    const user = `user_${k}`;
    const sessionId = `sess_${opts.seed}_${sessionNo++}`;
    const [country, region] = pick(REGIONS);
    const context = { userAgent: pick(AGENTS), referrer: pick(REFERRERS), country, region, locale: 'en-US' };
    const category = pick(CATEGORIES);
    const price = Math.round((5 + rnd() * 195) * 100) / 100;
    const productId = `${category}-${Math.floor(rnd() * 50)}`;
    let t = start.getTime();
    const events: Event[] = [];
    const push = (
      eventType: string,
      properties: Record<string, unknown>,
      commerce?: MessageInitShape<typeof CommerceSchema>,
    ) => {
      t += 2_000 + Math.floor(rnd() * 20_000);
      events.push(
        create(EventSchema, {
          eventId: uuid(),
          eventType,
          userId: user,
          sessionId,
          timestamp: timestampFromDate(new Date(t)),
          properties: properties as Event['properties'],
          context: { ...context, pagePath: String(properties['page'] ?? ''), pageUrl: '' },
          commerce,
        }),
      );
    };
    push('page_view', { page: '/' });
    const views = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < views; i++)
      push('product_view', { page: `/products/${productId}`, product_id: productId, category, price });
    if (rnd() < 0.3) push('search', { page: '/search', query: category });
    if (rnd() > 0.06 + 0.3 * intent + 0.25 * boost) return events;
    const quantity = 1 + Math.floor(rnd() * 3);
    const item = { productId, category, price: { amount: price, currency: opts.currency }, quantity };
    const line = { amount: Math.round(price * quantity * 100) / 100, currency: opts.currency };
    push('add_to_cart', { page: `/products/${productId}` }, { revenue: line, items: [item] });
    if (rnd() > 0.45) return events;
    push('checkout_start', { page: '/checkout' }, { revenue: line, items: [item] });
    if (rnd() > 0.02 + 0.2 * intent + 0.25 * boost) return events;
    push(
      'purchase',
      { page: '/checkout/done' },
      { orderId: `order_${sessionId}`, revenue: line, items: [item] },
    );
    return events;
  }

  return { session, uuid, random: rnd };
}
