import type { Granularity } from './metric-query.js';

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wall(at: Date, tz: string): Wall {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = Number(part.value);
  return {
    y: p.year ?? 0,
    mo: p.month ?? 1,
    d: p.day ?? 1,
    h: p.hour ?? 0,
    mi: p.minute ?? 0,
    s: p.second ?? 0,
  };
}

/** Minutes the zone is ahead of UTC at `at` (Europe/Berlin in winter: 60; Asia/Kolkata: 330). */
export function offsetMinutes(at: Date, tz: string): number {
  const w = wall(new Date(Math.floor(at.getTime() / 1000) * 1000), tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a wall-clock time in `tz` names (the later offset wins in a DST gap). */
function fromWall(y: number, mo: number, d: number, tz: string): Date {
  const guess = Date.UTC(y, mo - 1, d);
  let t = guess - offsetMinutes(new Date(guess), tz) * 60_000;
  t = guess - offsetMinutes(new Date(t), tz) * 60_000;
  return new Date(t);
}

/**
 * Start of the bucket holding `at`. Hours are UTC hours (identical to local hours in zones with whole-hour
 * offsets, and unambiguous across a DST change); days start at local midnight, weeks on Monday, months on
 * the 1st, all in `tz` — the same boundaries as PostgreSQL's date_trunc on local time.
 */
export function bucketStart(at: Date, granularity: Granularity, tz: string): Date {
  if (granularity === 'hour') return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
  const w = wall(at, tz);
  if (granularity === 'day') return fromWall(w.y, w.mo, w.d, tz);
  if (granularity === 'month') return fromWall(w.y, w.mo, 1, tz);
  const weekday = (new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(w.y, w.mo - 1, w.d - weekday));
  return fromWall(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), tz);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, granularity: Granularity, tz: string): Date {
  if (granularity === 'hour') return new Date(start.getTime() + HOUR_MS);
  const w = wall(start, tz);
  if (granularity === 'day') return fromWall(w.y, w.mo, w.d + 1, tz);
  if (granularity === 'week') return fromWall(w.y, w.mo, w.d + 7, tz);
  return w.mo === 12 ? fromWall(w.y + 1, 1, 1, tz) : fromWall(w.y, w.mo + 1, 1, tz);
}

/** Starts of every bucket overlapping [start, end), in order: the x-axis of a series. */
export function bucketStarts(start: Date, end: Date, granularity: Granularity, tz: string): Date[] {
  const out: Date[] = [];
  for (let b = bucketStart(start, granularity, tz); b < end; b = nextBucket(b, granularity, tz)) out.push(b);
  return out;
}

/**
 * Whether every local day boundary in [start, end) falls on a UTC hour, i.e. hourly rollups can be
 * regrouped into this zone's days. False for zones such as Asia/Kolkata (+05:30): those are answered from
 * raw events. Samples the offset every 6 hours, finer than any DST rule.
 */
export function hasWholeHourOffsets(start: Date, end: Date, tz: string): boolean {
  for (let t = start.getTime(); t <= end.getTime() + 6 * HOUR_MS; t += 6 * HOUR_MS) {
    if (offsetMinutes(new Date(t), tz) % 60 !== 0) return false;
  }
  return true;
}
