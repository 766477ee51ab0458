/**
 * The metrics and dimensions a query may name. Names only: how each is computed in SQL lives in the
 * data-access lib, which takes identifiers from this catalogue and never from the client.
 */
export const METRIC_NAMES = [
  'revenue',
  'orders',
  'conversion_rate',
  'average_order_value',
  'sessions',
  'users',
  'new_users',
  'page_views',
  'product_views',
  'add_to_cart',
  'checkout_starts',
  'cart_abandonment_rate',
  'items_sold',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const DIMENSION_NAMES = [
  'category',
  'region',
  'country',
  'device',
  'browser',
  'os',
  'event_type',
  'channel',
  'utm_source',
  'referrer_domain',
] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];

/**
 * The measures stored or counted per bucket, from which every metric derives. `additive` ones are sums
 * over events, so rollups add up to any range; the distinct ones (sessions, users, new users and the
 * session counts behind the rates) do not add up: rollups keep mergeable sketches of them.
 */
export const ADDITIVE_MEASURES = [
  'revenue',
  'orders',
  'items_sold',
  'page_views',
  'product_views',
  'add_to_cart',
  'checkout_starts',
] as const;
export const DISTINCT_MEASURES = [
  'sessions',
  'users',
  'new_users',
  'purchase_sessions',
  'cart_sessions',
  'cart_or_purchase_sessions',
] as const;
export type AdditiveMeasure = (typeof ADDITIVE_MEASURES)[number];
export type DistinctMeasure = (typeof DISTINCT_MEASURES)[number];
export type Measure = AdditiveMeasure | DistinctMeasure;
export type Measures = Readonly<Record<Measure, number>>;

/** The measures each metric needs. */
export const METRIC_MEASURES: Readonly<Record<MetricName, readonly Measure[]>> = {
  revenue: ['revenue'],
  orders: ['orders'],
  items_sold: ['items_sold'],
  page_views: ['page_views'],
  product_views: ['product_views'],
  add_to_cart: ['add_to_cart'],
  checkout_starts: ['checkout_starts'],
  average_order_value: ['revenue', 'orders'],
  sessions: ['sessions'],
  users: ['users'],
  new_users: ['new_users'],
  conversion_rate: ['purchase_sessions', 'sessions'],
  cart_abandonment_rate: ['purchase_sessions', 'cart_sessions', 'cart_or_purchase_sessions'],
};

export const isMetricName = (s: string): s is MetricName => (METRIC_NAMES as readonly string[]).includes(s);
export const isDimensionName = (s: string): s is DimensionName =>
  (DIMENSION_NAMES as readonly string[]).includes(s);
export const isAdditive = (m: Measure): m is AdditiveMeasure =>
  (ADDITIVE_MEASURES as readonly string[]).includes(m);

/** The measures behind a set of metrics, split by how they can be computed. */
export function measuresFor(metrics: readonly MetricName[]): {
  additive: AdditiveMeasure[];
  distinct: DistinctMeasure[];
} {
  const all = new Set(metrics.flatMap((m) => METRIC_MEASURES[m]));
  return {
    additive: ADDITIVE_MEASURES.filter((m) => all.has(m)),
    distinct: DISTINCT_MEASURES.filter((m) => all.has(m)),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A metric's value from its measures. Rates are percents rounded to 2 decimals; money to 4 (the store's
 * NUMERIC(18,4)). conversion_rate: sessions with a purchase ÷ sessions. cart_abandonment_rate:
 * sessions with an add-to-cart but no purchase ÷ sessions with an add-to-cart (0 when nobody added to a
 * cart); "with both" is cart + purchase − (cart or purchase), so only distinct counts are needed.
 */
export function metricValue(metric: MetricName, m: Partial<Measures>): number {
  const v = (k: Measure) => m[k] ?? 0;
  switch (metric) {
    case 'average_order_value':
      return v('orders') === 0 ? 0 : round(v('revenue') / v('orders'), 4);
    case 'conversion_rate':
      return v('sessions') === 0 ? 0 : round((100 * v('purchase_sessions')) / v('sessions'), 2);
    case 'cart_abandonment_rate':
      return v('cart_sessions') === 0
        ? 0
        : round((100 * (v('cart_or_purchase_sessions') - v('purchase_sessions'))) / v('cart_sessions'), 2);
    case 'revenue':
      return round(v('revenue'), 4);
    default:
      return v(metric);
  }
}
