import { DateTime } from 'luxon';
import type { Granularity } from './metric-query.js';

const HOUR_MS = 3_600_000;

const local = (at: Date, tz: string): DateTime => DateTime.fromJSDate(at, { zone: tz });

/** Minutes the zone is ahead of UTC at `at` (Europe/Berlin in winter: 60; Asia/Kolkata: 330). */
export function offsetMinutes(at: Date, tz: string): number {
  return local(at, tz).offset;
}

/**
 * Start of the bucket holding `at`. Hours are UTC hours (identical to local hours in zones with whole-hour
 * offsets, and unambiguous across a DST change); days start at local midnight, weeks on Monday, months on
 * the 1st, all in `tz` — the same boundaries as PostgreSQL's date_trunc on local time.
 */
export function bucketStart(at: Date, granularity: Granularity, tz: string): Date {
  if (granularity === 'hour') return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
  // Luxon's weeks are ISO weeks (Monday first); a local midnight skipped by DST becomes the first instant after.
  return local(at, tz).startOf(granularity).toJSDate();
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, granularity: Granularity, tz: string): Date {
  if (granularity === 'hour') return new Date(start.getTime() + HOUR_MS);
  const unit = granularity === 'day' ? 'days' : granularity === 'week' ? 'weeks' : 'months';
  return local(start, tz)
    .startOf(granularity)
    .plus({ [unit]: 1 })
    .startOf(granularity)
    .toJSDate();
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

/** Whether `at` is a midnight of `tz` (the start of one of its days). */
export function isLocalMidnight(at: Date, tz: string): boolean {
  return local(at, tz).startOf('day').toMillis() === at.getTime();
}
