import { fitDecomposable } from './decomposable.js';
import { InsufficientDataError } from './errors.js';
import { fillMissing } from './fill-missing.js';
import { seasonalitiesFor, type Granularity } from './granularity.js';
import { normalCdf, normalQuantile, robustScale, variance } from './stats.js';

export const MIN_TREND_POINTS = 4;

export interface TrendResult {
  readonly direction: 'up' | 'down' | 'flat';
  /** Theil–Sen slope per bucket, with its 95 % confidence interval. */
  readonly slope: number;
  readonly slopeLower: number;
  readonly slopeUpper: number;
  /** Mann–Kendall two-sided p-value. */
  readonly pValue: number;
  /** Fitted trend (the decomposable model's trend where it can be fitted, else the Theil–Sen line). */
  readonly trend: Float64Array;
  readonly changepoints: readonly { index: number; slopeChange: number }[];
  /** Second half's total against the first half's, in percent (NaN when the first half sums to 0). */
  readonly changePercent: number;
  /** Hyndman's strength 1 − Var(R)/Var(S + R) of each seasonality the range can hold. */
  readonly seasonalityStrength: Readonly<Record<string, number>>;
}

/** Mann–Kendall S and its variance with the tie correction. */
export function mannKendall(y: ArrayLike<number>): { s: number; variance: number; pValue: number } {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j]! - y[i]!);
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i++) ties.set(y[i]!, (ties.get(y[i]!) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const v = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = v === 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(v) : s < 0 ? (s + 1) / Math.sqrt(v) : 0;
  return { s, variance: v, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Theil–Sen slope (median of pairwise slopes) with Sen's 95 % interval from the Mann–Kendall variance. */
export function theilSen(
  y: ArrayLike<number>,
  mkVariance: number,
): { slope: number; lower: number; upper: number } {
  const n = y.length;
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) slopes.push((y[j]! - y[i]!) / (j - i));
  const sorted = Float64Array.from(slopes).sort();
  const at = (k: number) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.round(k)))]!;
  const N = sorted.length;
  const c = normalQuantile(0.975) * Math.sqrt(mkVariance);
  const mid = N % 2 === 1 ? sorted[(N - 1) / 2]! : (sorted[N / 2 - 1]! + sorted[N / 2]!) / 2;
  return { slope: mid, lower: at((N - c) / 2 - 1), upper: at((N + c) / 2) };
}

/**
 * Trend of a series over a range: Theil–Sen slope and Mann–Kendall significance (direction is up or
 * down only when p < 0.05), changepoints of the decomposable trend, half-over-half change and the
 * strength of each seasonality. O(n²) pairs: meant for ranges of up to a few thousand buckets.
 */
export function analyzeTrend(values: ArrayLike<number>, granularity: Granularity): TrendResult {
  let known = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) known++;
  if (known < MIN_TREND_POINTS) {
    throw new InsufficientDataError(
      'min_points',
      `at least ${MIN_TREND_POINTS} known points are needed for a trend, got ${known}`,
    );
  }
  const y = fillMissing(values);
  const n = y.length;
  const mk = mannKendall(y);
  const ts = theilSen(y, mk.variance);
  const direction = mk.pValue < 0.05 && ts.slope !== 0 ? (ts.slope > 0 ? 'up' : 'down') : 'flat';
  const half = Math.floor(n / 2);
  let first = 0;
  let second = 0;
  for (let i = 0; i < half; i++) first += y[i]!;
  for (let i = n - half; i < n; i++) second += y[i]!;
  const changePercent = first === 0 ? NaN : ((second - first) / Math.abs(first)) * 100;
  const seasonalities = seasonalitiesFor(granularity, n);
  const fit = fitDecomposable(y, {
    seasonalities,
    changepoints: Math.min(25, Math.floor(n / 8)),
    changepointPenalty: 0.01,
    sparseIterations: 4,
    residualLags: 0,
  });
  const residuals = y.map((v, i) => v - fit.fitted[i]!);
  const seasonalityStrength: Record<string, number> = {};
  for (const [name, comp] of fit.seasonal) {
    const vr = variance(residuals);
    const vsr = variance(comp.map((c, i) => c + residuals[i]!));
    seasonalityStrength[name] = vsr === 0 ? 0 : Math.max(0, 1 - vr / vsr);
  }
  return {
    direction,
    slope: ts.slope,
    slopeLower: ts.lower,
    slopeUpper: ts.upper,
    pValue: mk.pValue,
    trend: fit.trend,
    changepoints: significantChangepoints(fit.changepoints, robustScale(residuals), n),
    changePercent,
    seasonalityStrength,
  };
}

/**
 * Ridge spreads one slope change over neighbouring candidates: merge runs of same-sign neighbours
 * into one changepoint (their summed change, at the change-weighted position) and keep those whose
 * change, held over a quarter of the range, moves the series by more than two residual σ.
 */
function significantChangepoints(
  cps: readonly { index: number; slopeChange: number }[],
  sigma: number,
  n: number,
): { index: number; slopeChange: number }[] {
  const largest = cps.reduce((m, c) => Math.max(m, Math.abs(c.slopeChange)), 0);
  const groups: { index: number; slopeChange: number }[] = [];
  let run: { index: number; slopeChange: number }[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const total = run.reduce((s, c) => s + c.slopeChange, 0);
    const weight = run.reduce((s, c) => s + Math.abs(c.slopeChange), 0);
    const index = Math.round(run.reduce((s, c) => s + c.index * Math.abs(c.slopeChange), 0) / (weight || 1));
    groups.push({ index, slopeChange: total });
    run = [];
  };
  for (const c of cps) {
    if (Math.abs(c.slopeChange) < 0.01 * largest) {
      flush();
      continue;
    }
    const prev = run[run.length - 1];
    if (prev !== undefined && Math.sign(prev.slopeChange) !== Math.sign(c.slopeChange)) flush();
    run.push(c);
  }
  flush();
  return groups.filter((g) => Math.abs(g.slopeChange) * (n / 4) > 2 * Math.max(sigma, 1e-12));
}
