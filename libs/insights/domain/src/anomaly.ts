import { InsufficientDataError } from './errors.js';
import { fillMissing } from './fill-missing.js';
import { scoreStream } from './anomaly-stream.js';
import { median, normalCdf, robustScale } from './stats.js';

/** Fewest known points anomaly detection runs on. */
export const MIN_ANOMALY_POINTS = 8;

export type Direction = 'spike' | 'drop';

export interface AnomalyOptions {
  /** Cycle length in buckets (24 for hourly data with a daily cycle); 1 for none. */
  readonly period: number;
  /** In (0, 1); higher flags more. */
  readonly sensitivity: number;
}

export interface AnomalyPoint {
  readonly index: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** 0–1: 0.5 at the threshold, towards 1 as the deviation grows. */
  readonly score: number;
  readonly direction: Direction;
  /** Deviation in robust standard deviations (signed). */
  readonly z: number;
}

/**
 * The alert threshold in robust σ for a sensitivity s in (0, 1): the z whose two-sided Gaussian tail is
 * α = 10^(−3 − 4·(1 − s)) per point: s = 0.95 (the default) → α ≈ 0.063 %, 3.42 σ (one false alarm in
 * about 66 days of hourly buckets); 0.99 → 3.30 σ; 0.5 → 4.42 σ; 0.05 → 5.27 σ.
 */
export function thresholdFor(sensitivity: number): number {
  const s = Math.min(0.9999, Math.max(0.0001, sensitivity));
  const alpha = 10 ** (-3 - 4 * (1 - s));
  return normalQuantile2(alpha);
}

function normalQuantile2(alpha: number): number {
  // Two-sided: the z with P(|Z| > z) = α, by bisection on the CDF (exact enough, called once).
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (2 * (1 - normalCdf(mid)) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function countKnown(values: ArrayLike<number>): number {
  let known = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) known++;
  if (known < MIN_ANOMALY_POINTS) {
    throw new InsufficientDataError(
      'min_points',
      `at least ${MIN_ANOMALY_POINTS} known points are needed to detect anomalies, got ${known}`,
    );
  }
  return known;
}

function point(
  index: number,
  value: number,
  expected: number,
  scale: number,
  thr: number,
): AnomalyPoint | undefined {
  const z = (value - expected) / scale;
  if (!(Math.abs(z) > thr)) return undefined;
  return {
    index,
    value,
    expected,
    lower: expected - thr * scale,
    upper: expected + thr * scale,
    score: Math.abs(z) / (Math.abs(z) + thr),
    direction: z > 0 ? 'spike' : 'drop',
    z,
  };
}

/**
 * Trailing rolling median over `window` points (the first window for the first points). Trailing, not
 * centred: a centred median jumps to a new level half a window early and hides the shift, while a
 * trailing one lags it, so the first buckets after a level shift stand out.
 */
function rollingMedian(y: Float64Array, window: number): Float64Array {
  const n = y.length;
  const w = Math.min(window, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const from = Math.max(0, i - w + 1);
    out[i] = median(y.subarray(from, from + w));
  }
  return out;
}

/**
 * Batch detection over a whole window: robust decomposition (trailing-median trend over one cycle,
 * per-phase median seasonal), residuals scored in robust σ (MAD). Spikes, drops and the first
 * buckets of a level shift all stand out. Missing buckets are interpolated and never reported.
 */
export function detectAnomalies(
  values: ArrayLike<number>,
  o: AnomalyOptions,
): { expected: Float64Array; anomalies: AnomalyPoint[] } {
  countKnown(values);
  const y = fillMissing(values);
  const n = y.length;
  // Per-phase medians need three cycles: with two, a median is a mean and one outlier moves it.
  const period = o.period > 1 && n >= 3 * o.period ? o.period : 1;
  const trend = rollingMedian(y, period > 1 ? period : Math.min(n, 7));
  const seasonal = new Float64Array(period);
  if (period > 1) {
    const byPhase: number[][] = Array.from({ length: period }, () => []);
    for (let i = 0; i < n; i++) byPhase[i % period]!.push(y[i]! - trend[i]!);
    for (let k = 0; k < period; k++) seasonal[k] = median(byPhase[k]!);
  }
  const expected = new Float64Array(n);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    expected[i] = trend[i]! + seasonal[i % period]!;
    residuals[i] = y[i]! - expected[i]!;
  }
  const scale = Math.max(robustScale(residuals), floorScale(y));
  const thr = thresholdFor(o.sensitivity);
  const anomalies: AnomalyPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) continue;
    const a = point(i, y[i]!, expected[i]!, scale, thr);
    if (a !== undefined) anomalies.push(a);
  }
  return { expected, anomalies };
}

/** A flat series has zero spread; any real change should still score, so σ never drops below this. */
function floorScale(y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(y[i]!));
  return Math.max(1e-9, 1e-6 * m);
}

export interface CausalOptions extends AnomalyOptions {
  /** Points learnt from before any is judged; default two cycles (at least 30). */
  readonly warmup?: number;
  /** After an alert, this many further points are not judged (one alert per event); default 0. */
  readonly cooldown?: number;
}

/**
 * Causal (streaming) detection: each point is judged only from the points before it, by `scoreStream`
 * (robust baseline of the change from one cycle earlier, spikes and level shifts, per-series scale). A
 * point is an anomaly when it is at least as unusual as the worst 0.2 % of the series' own past
 * deviations (stream score ≥ 0.5) and beyond the sensitivity's threshold in robust σ.
 */
export function detectAnomaliesCausal(values: ArrayLike<number>, o: CausalOptions): AnomalyPoint[] {
  countKnown(values);
  const n = values.length;
  const period = o.period > 1 && n >= 3 * o.period ? o.period : 1;
  const warmup = Math.max(30, o.warmup ?? 2 * period);
  const thr = thresholdFor(o.sensitivity);
  const cooldown = o.cooldown ?? 0;
  const s = scoreStream(values, {
    period,
    warmup,
    suppress: cooldown,
    suppressFrom: warmup,
    // The change from one cycle earlier already compares like with like; short series need no repeat check.
    echo: 0,
  });
  const out: AnomalyPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (!(s.score[i]! >= 0.5)) continue;
    const a = point(i, values[i]!, s.expected[i]!, s.scale[i]!, thr);
    if (a !== undefined) out.push(a);
  }
  return out;
}
