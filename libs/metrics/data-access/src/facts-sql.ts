import type { DimensionName } from '@broxiva/metrics-domain';

/** Event-level dimension columns of the facts and the rollups (all but category), '' when missing. */
export const EVENT_DIMENSIONS = [
  'event_type',
  'region',
  'country',
  'device',
  'browser',
  'os',
  'channel',
  'utm_source',
  'referrer_domain',
] as const satisfies readonly DimensionName[];

const EVENT_DIM_SQL = `e.event_type, coalesce(e.region, '') AS region, coalesce(e.country, '') AS country,
  coalesce(e.device_type, '') AS device, coalesce(e.browser, '') AS browser, coalesce(e.os, '') AS os,
  coalesce(e.channel, '') AS channel, coalesce(e.utm_source, '') AS utm_source,
  coalesce(e.referrer_domain, '') AS referrer_domain`;

const ITEMS = `jsonb_array_elements(CASE WHEN jsonb_typeof(e.items) = 'array' THEN e.items ELSE '[]'::jsonb END)`;

/**
 * Raw events as facts: one row per event, or per (event, item category) when `byCategory`. Columns: ts,
 * event_type, session_id, user_key, every dimension, revenue and items (counted for purchases only).
 * By category, a purchase's revenue is its line totals (price × quantity) per category, an event without
 * items takes `properties.category`. Bots are left out. `where` holds conditions on `e` built by the
 * caller from trusted text and $n placeholders.
 */
export function factsSql(byCategory: boolean, where: string): string {
  const common = `e.ts, e.session_id, coalesce(e.user_id, e.anonymous_id) AS user_key, ${EVENT_DIM_SQL}`;
  if (!byCategory) {
    return `SELECT ${common}, e.revenue,
        (SELECT sum(coalesce((i->>'quantity')::numeric, 0)) FROM ${ITEMS} i) AS items
      FROM events e WHERE NOT e.is_bot AND ${where}`;
  }
  return `SELECT ${common}, c.category, c.revenue, c.items
    FROM events e CROSS JOIN LATERAL (
      SELECT coalesce(i->>'category', '') AS category,
             sum(coalesce((i->>'price')::numeric, 0) * coalesce((i->>'quantity')::numeric, 0)) AS revenue,
             sum(coalesce((i->>'quantity')::numeric, 0)) AS items
        FROM ${ITEMS} i GROUP BY 1
      UNION ALL
      SELECT coalesce(e.properties->>'category', ''), e.revenue, 0::numeric
       WHERE coalesce(jsonb_typeof(e.items) <> 'array' OR jsonb_array_length(e.items) = 0, true)
    ) c
    WHERE NOT e.is_bot AND ${where}`;
}

/** Collects query parameters; `add` returns the placeholder. Client values only ever go through here. */
export function params() {
  const values: unknown[] = [];
  return {
    values,
    add(v: unknown): string {
      values.push(v);
      return `$${values.length}`;
    },
  };
}
export type Params = ReturnType<typeof params>;
