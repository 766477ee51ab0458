/**
 * Calendar days in the shop's time zone: "today" for orders, revenue, carts and conversion starts at the
 * shop's local midnight, not UTC's. Pure functions of an instant (ms since the epoch) and an IANA zone.
 */
import { DateTime } from 'luxon';

/** A shop day: its local date and the instants it starts and ends (end exclusive). */
export interface ShopDay {
  /** `YYYY-MM-DD` in the shop's zone. */
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
}

const cache = new Map<string, ShopDay>();

/** The shop day holding `ms`. Cached per zone: events mostly fall into the current day. */
export function shopDayOf(ms: number, timeZone: string): ShopDay {
  const hit = cache.get(timeZone);
  if (hit !== undefined && ms >= hit.startMs && ms < hit.endMs) return hit;
  // Luxon: a local midnight skipped by DST (a few zones spring forward at 00:00) starts the day at the
  // first instant after it.
  const start = DateTime.fromMillis(ms, { zone: timeZone }).startOf('day');
  const day: ShopDay = {
    date: start.toISODate() ?? '',
    startMs: start.toMillis(),
    endMs: start.plus({ days: 1 }).startOf('day').toMillis(),
  };
  cache.set(timeZone, day);
  return day;
}
