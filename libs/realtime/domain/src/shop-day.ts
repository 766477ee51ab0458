/**
 * Calendar days in the shop's time zone: "today" for orders, revenue, carts and conversion starts at the
 * shop's local midnight, not UTC's. Pure functions of an instant (ms since the epoch) and an IANA zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at `ms`, in ms (seconds precision). */
function offsetMs(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock midnight (y, m, d) happens in `timeZone`; the first instant after it on a DST gap. */
function midnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // Two rounds settle the offset unless midnight itself falls in a DST gap (a few zones skip 00:00).
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  const t = localTime(guess, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day) < wall ? guess + 3_600_000 : guess;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

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
  const t = localTime(ms, timeZone);
  const next = new Date(Date.UTC(t.year, t.month - 1, t.day + 1));
  const day: ShopDay = {
    date: `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`,
    startMs: midnight(t.year, t.month, t.day, timeZone),
    endMs: midnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
  };
  cache.set(timeZone, day);
  return day;
}
