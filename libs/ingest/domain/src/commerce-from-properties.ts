import type { Commerce, Item, JsonObject, Money } from './event.js';

/**
 * Many shops send order data as plain properties (`{"order_id": "o-1", "revenue": 99.5, "currency": "EUR"}`,
 * the product's REST examples do). When an event has no `commerce` block, this lifts those well-known
 * property names into one, so every report reads orders and revenue from one place; amounts without a
 * `currency` are in `defaultCurrency` (the shop's). Returns undefined when the properties hold nothing
 * commerce-like.
 */
export function commerceFromProperties(
  props: JsonObject | undefined,
  defaultCurrency: string,
): Commerce | undefined {
  if (props === undefined) return undefined;
  const currency = str(props['currency']).toUpperCase() || defaultCurrency;
  const amount = num(props['revenue']) ?? num(props['total']) ?? num(props['value']);
  const items = itemsFrom(props, currency);
  const orderId = str(props['order_id']);
  const cartId = str(props['cart_id']);
  if (orderId === '' && amount === undefined && items.length === 0 && cartId === '') return undefined;
  const lineValue = items.reduce((sum, i) => sum + (i.price?.amount ?? 0) * i.quantity, 0);
  const revenueAmount = amount ?? (items.length > 0 ? lineValue : undefined);
  return {
    orderId,
    revenue: revenueAmount === undefined ? undefined : { amount: revenueAmount, currency },
    items,
    cartId,
    coupon: str(props['coupon']),
    shipping: money(num(props['shipping']), currency),
    tax: money(num(props['tax']), currency),
  };
}

/** Where each lifted commerce field came from, for error paths that name what the client sent. */
export const LIFTED_FIELD_PATHS: Readonly<Record<string, string>> = {
  'commerce.order_id': 'properties.order_id',
  'commerce.revenue': 'properties.revenue',
  'commerce.revenue.amount': 'properties.revenue',
  'commerce.revenue.currency': 'properties.currency',
};

function itemsFrom(props: JsonObject, currency: string): Item[] {
  const products = props['products'] ?? props['items'];
  if (Array.isArray(products)) {
    return products.filter(isObject).map((p) => item(p, currency));
  }
  if (str(props['product_id']) !== '') return [item(props, currency)];
  return [];
}

function item(p: JsonObject, currency: string): Item {
  return {
    productId: str(p['product_id']),
    name: str(p['name']),
    category: str(p['category']),
    price: money(num(p['price']), str(p['currency']).toUpperCase() || currency),
    quantity: num(p['quantity']) ?? 1,
  };
}

const money = (amount: number | undefined, currency: string): Money | undefined =>
  amount === undefined ? undefined : { amount, currency };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
