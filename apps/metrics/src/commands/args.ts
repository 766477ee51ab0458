import { bucketStart, nextBucket, offsetMinutes } from '@broxiva/metrics-domain';

/** Bad command-line input: the command prints its message, which names the option, and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
// A date-time must say its offset: without one, "2025-11-01T00:00" would be read in the machine's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The value of a required option, or a UsageError naming it. */
export function required(option: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${option} is required`);
  return value;
}

/** A calendar day YYYY-MM-DD that exists (2025-02-30 does not). */
export function parseDay(option: string, value: string | undefined): string {
  const v = required(option, value);
  const m = DAY.exec(v);
  const ok = m !== null && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).toISOString().slice(0, 10) === v;
  if (!ok) throw new UsageError(`--${option} must be a calendar day YYYY-MM-DD, got "${v}"`);
  return v;
}

/** A month YYYY-MM, as year and month (1–12). */
export function parseMonth(option: string, value: string | undefined): { year: number; month: number } {
  const v = required(option, value);
  const m = MONTH.exec(v);
  const month = m === null ? 0 : Number(m[2]);
  if (m === null || month < 1 || month > 12)
    throw new UsageError(`--${option} must be a month YYYY-MM, got "${v}"`);
  return { year: Number(m[1]), month };
}

/**
 * An instant: an ISO 8601 date-time with `Z` or an offset, or a day YYYY-MM-DD meaning its midnight in
 * `timeZone` (the shop's).
 */
export function parseInstant(option: string, value: string | undefined, timeZone: string): Date {
  const v = required(option, value);
  if (DAY.test(v)) return zonedDayStart(parseDay(option, v), timeZone);
  const t = INSTANT.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) {
    throw new UsageError(
      `--${option} must be an ISO 8601 date-time with an offset (2025-11-01T00:00:00Z) or a day YYYY-MM-DD, got "${v}"`,
    );
  }
  return new Date(t);
}

/** One of `choices`, or a UsageError listing them. */
export function parseChoice<const C extends readonly string[]>(
  option: string,
  value: string | undefined,
  choices: C,
): C[number] {
  const v = required(option, value);
  if (!choices.includes(v))
    throw new UsageError(`--${option} must be one of ${choices.join(', ')}, got "${v}"`);
  return v;
}

/** A range [start, end) whose end is after its start. */
export function checkRange(start: Date, end: Date, startOption = 'start', endOption = 'end') {
  if (end.getTime() <= start.getTime()) {
    throw new UsageError(
      `--${endOption} (${end.toISOString()}) must be after --${startOption} (${start.toISOString()})`,
    );
  }
  return { start, end };
}

const localDate = (at: Date, tz: string) =>
  new Date(at.getTime() + offsetMinutes(at, tz) * 60_000).toISOString().slice(0, 10);

/** Midnight starting `day` (YYYY-MM-DD) in `tz`, as an instant. */
export function zonedDayStart(day: string, tz: string): Date {
  const noon = Date.parse(`${day}T12:00:00Z`);
  // Noon UTC is on the same local date everywhere but in zones 12 h or more from UTC: step a day back or on.
  for (const shift of [0, -86_400_000, 86_400_000]) {
    const start = bucketStart(new Date(noon + shift), 'day', tz);
    if (localDate(start, tz) === day) return start;
  }
  throw new Error(`no midnight of ${day} in ${tz}`);
}

/** The month `year`-`month` in `tz` as [start, end), and the calendar month before it. */
export function zonedMonth(year: number, month: number, tz: string) {
  // The 15th at noon UTC is inside the same local month in every zone.
  const start = bucketStart(new Date(Date.UTC(year, month - 1, 15, 12)), 'month', tz);
  const previousStart = bucketStart(new Date(Date.UTC(year, month - 2, 15, 12)), 'month', tz);
  return { start, end: nextBucket(start, 'month', tz), previous: { start: previousStart, end: start } };
}
