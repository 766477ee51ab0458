/** The common event types every report understands. */
export const KNOWN_EVENT_TYPES = [
  'page_view',
  'product_view',
  'add_to_cart',
  'remove_from_cart',
  'checkout_start',
  'purchase',
  'search',
  'filter',
] as const;

export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

/** Custom event types: lower snake case, starting with a letter, at most 64 characters. */
export const CUSTOM_EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export const isKnownEventType = (t: string): t is KnownEventType =>
  (KNOWN_EVENT_TYPES as readonly string[]).includes(t);
