// Shapes service answers into what the charts draw. uPlot takes columns: x in Unix seconds, then one
// array per series, null where a series has no value.

/** A protobuf Timestamp as the contracts carry it. */
export interface Ts {
  readonly seconds: bigint;
  readonly nanos: number;
}

export const tsSeconds = (t: Ts | undefined): number | undefined =>
  t === undefined ? undefined : Number(t.seconds) + t.nanos / 1e9;

export type Columns = [number[], ...(number | null)[][]];

/** One metric over time from QueryMetrics rows (summed over dimension values per bucket), oldest first. */
export function metricColumns(
  rows: readonly { time?: Ts; values: Record<string, number> }[],
  metric: string,
): [number[], number[]] {
  const byTime = new Map<number, number>();
  for (const r of rows) {
    const t = tsSeconds(r.time);
    const v = r.values[metric];
    if (t === undefined || v === undefined) continue;
    byTime.set(t, (byTime.get(t) ?? 0) + v);
  }
  const xs = [...byTime.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => byTime.get(x) as number)];
}

/**
 * A series on its full bucket grid from `start` to `end` (seconds): the metrics service returns rows only
 * for buckets where something happened, the rest are zero. The grid is anchored on the first returned
 * bucket (so day buckets at a time zone's midnight stay aligned), stepping `step` seconds.
 */
export function fillGrid(
  [xs, ys]: [number[], number[]],
  start: number,
  end: number,
  step: number,
): [number[], number[]] {
  const at = new Map(xs.map((x, i) => [x, ys[i] as number]));
  let anchor = xs[0] ?? start;
  while (anchor - step >= start) anchor -= step;
  const outX: number[] = [];
  for (let x = anchor; x < end; x += step) outX.push(x);
  for (const x of xs) if (!outX.includes(x)) outX.push(x);
  outX.sort((a, b) => a - b);
  return [outX, outX.map((x) => at.get(x) ?? 0)];
}

/** Rows of a breakdown (one per dimension value), largest first. */
export function breakdown(
  rows: readonly { dimensions: Record<string, string>; values: Record<string, number> }[],
  dimension: string,
  metric: string,
): { key: string; value: number; share: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) {
    const key = r.dimensions[dimension] ?? '(none)';
    sums.set(key, (sums.get(key) ?? 0) + (r.values[metric] ?? 0));
  }
  const total = [...sums.values()].reduce((a, b) => a + b, 0);
  return [...sums]
    .map(([key, value]) => ({ key, value, share: total === 0 ? 0 : (100 * value) / total }))
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}

/**
 * History and forecast on one time axis: [x, history, forecast mean, lower, upper]. The forecast line
 * starts at the last history point so the two join; the band exists only over the forecast.
 */
export function forecastColumns(
  history: readonly { time?: Ts; value: number }[],
  forecast: readonly { time?: Ts; value: number; lower: number; upper: number }[],
): Columns {
  const xs: number[] = [];
  const hist: (number | null)[] = [];
  const mean: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  history.forEach((p, i) => {
    const t = tsSeconds(p.time);
    if (t === undefined) return;
    xs.push(t);
    hist.push(p.value);
    const last = i === history.length - 1;
    mean.push(last ? p.value : null);
    lower.push(last ? p.value : null);
    upper.push(last ? p.value : null);
  });
  for (const p of forecast) {
    const t = tsSeconds(p.time);
    if (t === undefined) continue;
    xs.push(t);
    hist.push(null);
    mean.push(p.value);
    lower.push(p.lower);
    upper.push(p.upper);
  }
  return [xs, hist, mean, lower, upper];
}

/** Anomalies as a points-only series on the chart's x axis (null elsewhere). */
export function markerColumn(xs: readonly number[], marks: readonly { time?: Ts; value: number }[]) {
  const at = new Map<number, number>();
  for (const m of marks) {
    const t = tsSeconds(m.time);
    if (t !== undefined) at.set(t, m.value);
  }
  return xs.map((x) => at.get(x) ?? null);
}

export interface FunnelBar {
  readonly name: string;
  readonly count: number;
  /** Width of the bar: share (0-100) of the first step's count. */
  readonly width: number;
  readonly conversionRate: number;
  readonly dropOffRate: number;
  readonly medianSeconds: number;
}

/** Funnel steps as bars scaled to the first step. */
export function funnelBars(
  steps: readonly {
    name: string;
    count: bigint;
    conversionRate: number;
    dropOffRate: number;
    medianSecondsToConvert: number;
  }[],
): FunnelBar[] {
  const first = Number(steps[0]?.count ?? 0n);
  return steps.map((s) => ({
    name: s.name,
    count: Number(s.count),
    width: first === 0 ? 0 : (100 * Number(s.count)) / first,
    conversionRate: s.conversionRate,
    dropOffRate: s.dropOffRate,
    medianSeconds: s.medianSecondsToConvert,
  }));
}

/** True when a series has nothing to draw: no points, or all zero. */
export const isEmptySeries = (ys: readonly (number | null)[]) => ys.every((y) => y === null || y === 0);
