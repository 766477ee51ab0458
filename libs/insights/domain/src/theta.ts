import { autocorrelation } from './stats.js';

/** The Theta method as benchmarked in M4: seasonally adjusted SES with half the linear drift. */
export interface ThetaFit {
  readonly alpha: number;
  /** In-sample one-step error σ (original units). */
  readonly sigma: number;
  forecast(horizon: number): Float64Array;
  /** Growth of the error with step h (1-based), relative to the one-step σ. */
  spread(h: number): number;
}

/** M4's seasonality test: lag-`period` autocorrelation beyond its 90 % band. */
export function isSeasonal(y: ArrayLike<number>, period: number): boolean {
  if (period <= 1 || y.length < 3 * period) return false;
  let acc = 0;
  for (let k = 1; k < period; k++) acc += autocorrelation(y, k) ** 2;
  const limit = 1.645 * Math.sqrt((1 + 2 * acc) / y.length);
  return Math.abs(autocorrelation(y, period)) > limit;
}

/**
 * Classical decomposition seasonal indices (centred moving average), multiplicative when every value is
 * positive, else additive. Returns indices by phase (index 0 = phase of y[0]).
 */
export function classicalSeasonalIndices(
  y: ArrayLike<number>,
  period: number,
): { idx: Float64Array; multiplicative: boolean } {
  const n = y.length;
  let multiplicative = true;
  for (let i = 0; i < n; i++) if (!(y[i]! > 0)) multiplicative = false;
  const half = Math.floor(period / 2);
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let i = half; i < n - half; i++) {
    let s = 0;
    if (period % 2 === 0) {
      for (let k = -half; k <= half; k++) s += (k === -half || k === half ? 0.5 : 1) * y[i + k]!;
    } else {
      for (let k = -half; k <= half; k++) s += y[i + k]!;
    }
    const trend = s / period;
    sums[i % period] = sums[i % period]! + (multiplicative ? y[i]! / trend : y[i]! - trend);
    counts[i % period] = counts[i % period]! + 1;
  }
  const idx = new Float64Array(period);
  let total = 0;
  for (let k = 0; k < period; k++) {
    idx[k] = counts[k]! > 0 ? sums[k]! / counts[k]! : multiplicative ? 1 : 0;
    total += idx[k]!;
  }
  const avg = total / period;
  for (let k = 0; k < period; k++) idx[k] = multiplicative ? idx[k]! / avg : idx[k]! - avg;
  return { idx, multiplicative };
}

function sesSse(y: ArrayLike<number>, alpha: number): number {
  let level = y[0]!;
  let sse = 0;
  for (let i = 1; i < y.length; i++) {
    const e = y[i]! - level;
    sse += e * e;
    level += alpha * e;
  }
  return sse;
}

/** α minimising one-step squared error, by golden-section search on [0.001, 0.999]. */
function optimiseAlpha(y: ArrayLike<number>): number {
  let a = 0.001;
  let b = 0.999;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = sesSse(y, c);
  let fd = sesSse(y, d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = sesSse(y, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = sesSse(y, d);
    }
  }
  return (a + b) / 2;
}

export function fitTheta(y: ArrayLike<number>, period: number): ThetaFit {
  const n = y.length;
  const seasonal = isSeasonal(y, period);
  const { idx, multiplicative } = seasonal
    ? classicalSeasonalIndices(y, period)
    : { idx: new Float64Array([0]), multiplicative: false };
  const phaseOf = (i: number) => (seasonal ? idx[i % period]! : multiplicative ? 1 : 0);
  const adj = new Float64Array(n);
  for (let i = 0; i < n; i++) adj[i] = multiplicative ? y[i]! / phaseOf(i) : y[i]! - phaseOf(i);
  const alpha = optimiseAlpha(adj);
  let level = adj[0]!;
  let sse = 0;
  for (let i = 1; i < n; i++) {
    const e = adj[i]! - level;
    sse += e * e;
    level += alpha * e;
  }
  // OLS slope of the adjusted series on time; Theta keeps half of it (the θ = 0 line's drift).
  const tMean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += adj[i]! / n;
  for (let i = 0; i < n; i++) {
    sxy += (i - tMean) * (adj[i]! - yMean);
    sxx += (i - tMean) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const lastLevel = level;
  const drift0 = 1 / alpha - (1 - alpha) ** n / alpha;
  let meanFactor = 0;
  for (let i = 0; i < Math.min(n, period); i++) meanFactor += phaseOf(n - 1 - i) / Math.min(n, period);
  const sigmaAdj = Math.sqrt(sse / Math.max(1, n - 2));
  return {
    alpha,
    sigma: multiplicative ? sigmaAdj * meanFactor : sigmaAdj,
    forecast(horizon) {
      const out = new Float64Array(horizon);
      for (let h = 1; h <= horizon; h++) {
        const base = lastLevel + 0.5 * slope * (h - 1 + drift0);
        const s = phaseOf(n + h - 1);
        out[h - 1] = multiplicative ? base * s : base + s;
      }
      return out;
    },
    spread: (h) => Math.sqrt(1 + alpha * alpha * (h - 1)),
  };
}
