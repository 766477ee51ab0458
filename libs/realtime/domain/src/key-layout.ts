import type { FunnelStep } from './live-event.js';

/**
 * Names of the live aggregates, relative to the store's base key. Every structure is bounded: sorted sets
 * by last-seen are trimmed to their timeout, and per-minute, per-window, per-day and per-event keys expire.
 */
export const liveKeys = {
  /** string, expires at receivedAt + dedup TTL: the event was applied. */
  seen: (eventId: string) => `seen:${eventId}`,
  /** zset actor → last event time (ms), trimmed to ACTIVE_USER_TIMEOUT. */
  users: 'users',
  /** zset session → last event time (ms), trimmed to SESSION_TIMEOUT. */
  sessions: 'sessions',
  /** zset actor → last event time on this device type / in this region. */
  device: (deviceType: string) => `dev:${deviceType}`,
  region: (region: string) => `reg:${region}`,
  /** sets of the device types and regions that have a zset. */
  devices: 'devs',
  regions: 'regs',
  /** set of actors with an event in the minute starting at minuteMs; lives 31 minutes. */
  minute: (minuteMs: number) => `um:${minuteMs}`,
  /** hash user, start, last, page, count, cart of one session; expires SESSION_TIMEOUT after its last event. */
  session: (session: string) => `s:${session}`,
  /** Per shop day (`YYYY-MM-DD`); all expire at the end of the following day. */
  day: (date: string) => ({
    /** set of sessions with a counted event that day */
    sessions: `d:${date}:sessions`,
    /** set of sessions with a purchase that day */
    buyers: `d:${date}:buyers`,
    /** set of order ids: an order counts once, however many purchase events name it */
    orders: `d:${date}:orders`,
    /** integer money units */
    revenue: `d:${date}:revenue`,
    /** hash session → net cart value (money units) from that day's cart events */
    carts: `d:${date}:carts`,
    /** set of sessions that added to cart that day */
    added: `d:${date}:added`,
    /** integer: sum of carts[s] over s in added, kept in step by the apply script */
    cartSum: `d:${date}:cartsum`,
  }),
  /** set of sessions reaching a funnel step in a conversion window; lives an hour past the window's end. */
  window: (windowStartMs: number, step: FunnelStep) => `fw:${windowStartMs}:${step}`,
  /** zset session → last time it reached the step, trimmed to an hour plus a window. */
  stepRecent: (step: FunnelStep) => `fz:${step}`,
} as const;
