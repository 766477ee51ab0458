/** Calendar periods in UTC: days, ISO weeks (starting Monday) and months. */
export type PeriodUnit = 'day' | 'week' | 'month';

const DAY = 86_400_000;

/** The start (epoch ms) of the UTC period holding `ms`. */
export function periodStart(ms: number, unit: PeriodUnit): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === 'day') return day;
  if (unit === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Whole periods from the period holding `from` to the one holding `to` (negative when `to` is earlier). */
export function periodsBetween(from: number, to: number, unit: PeriodUnit): number {
  const a = periodStart(from, unit);
  const b = periodStart(to, unit);
  if (unit === 'day') return Math.round((b - a) / DAY);
  if (unit === 'week') return Math.round((b - a) / (7 * DAY));
  const da = new Date(a);
  const db = new Date(b);
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
}
