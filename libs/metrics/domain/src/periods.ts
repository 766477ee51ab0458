/** The period of the same length just before [start, end). */
export function previousRange(start: Date, end: Date): { start: Date; end: Date } {
  const length = end.getTime() - start.getTime();
  return { start: new Date(start.getTime() - length), end: new Date(start.getTime()) };
}

/** Percent change from `previous` to `current`, rounded to 2 decimals; undefined when previous is 0. */
export function changePercent(current: number, previous: number): number | undefined {
  if (previous === 0) return undefined;
  return Math.round(((current - previous) / Math.abs(previous)) * 10_000) / 100;
}
