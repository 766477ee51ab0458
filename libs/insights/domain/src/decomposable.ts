import type { Seasonality } from './granularity.js';
import { ridgeSolve } from './least-squares.js';
import { forecastResiduals } from './residual-ar.js';
import { robustScale } from './stats.js';

/** A dated event (sale, holiday) whose effect is learned as a regressor, Prophet-style. */
export interface Holiday {
  readonly name: string;
  /** Bucket indices of its occurrences, counted from the first history bucket; future ones may be ≥ length. */
  readonly indices: readonly number[];
  /** Buckets before / after each occurrence that get their own effect (default 0 / 0). */
  readonly before?: number;
  readonly after?: number;
}

export interface DecomposableOptions {
  readonly seasonalities: readonly Seasonality[];
  readonly holidays?: readonly Holiday[];
  /** Candidate changepoints spread evenly over the first `changepointRange` of history; default 25. */
  readonly changepoints?: number;
  readonly changepointRange?: number;
  /** Ridge penalty on slope changes (in standardised units); larger is a stiffer trend. */
  readonly changepointPenalty?: number;
  readonly seasonalityPenalty?: number;
  /** Down-weight outliers (beyond 4 robust σ) with one refit; default true. */
  readonly robust?: boolean;
  /**
   * Reweighted-ridge passes approximating Prophet's Laplace (L1) prior on slope changes, so a few
   * changepoints carry the change instead of many small ones; default 0 (plain ridge, fastest).
   */
  readonly sparseIterations?: number;
  /** Order of the AR model of the residuals carried into the forecast; 0 turns it off. Default 14. */
  readonly residualLags?: number;
}

export interface DecomposableFit {
  /** In-sample trend, seasonal components by name, fitted values. */
  readonly trend: Float64Array;
  readonly seasonal: ReadonlyMap<string, Float64Array>;
  readonly fitted: Float64Array;
  /** Candidate changepoints with their slope change per bucket (original units). */
  readonly changepoints: readonly { index: number; slopeChange: number }[];
  /** Residual σ (robust) in original units. */
  readonly sigma: number;
  forecast(horizon: number): Float64Array;
  /** Error growth at step h relative to σ: observation noise plus Prophet-style future trend changes. */
  spread(h: number): number;
}

interface Design {
  readonly p: number;
  readonly cps: readonly number[];
  row(i: number, out: Float64Array, offset: number): void;
  readonly penalty: Float64Array;
}

function design(n: number, o: DecomposableOptions): Design {
  const k = Math.max(0, Math.min(o.changepoints ?? 25, Math.floor(n / 4)));
  const range = o.changepointRange ?? 0.9;
  const cps: number[] = [];
  for (let j = 1; j <= k; j++) cps.push(Math.round((j * range * (n - 1)) / (k + 1)));
  const holidayCols: { indices: Set<number> }[] = [];
  for (const h of o.holidays ?? []) {
    for (let off = -(h.before ?? 0); off <= (h.after ?? 0); off++) {
      holidayCols.push({ indices: new Set(h.indices.map((i) => i + off)) });
    }
  }
  const fourier = o.seasonalities.reduce((s, x) => s + 2 * x.order, 0);
  const p = 2 + cps.length + fourier + holidayCols.length;
  const penalty = new Float64Array(p);
  const cpPen = o.changepointPenalty ?? 10;
  const sPen = o.seasonalityPenalty ?? 0.1;
  for (let j = 0; j < cps.length; j++) penalty[2 + j] = cpPen;
  for (let j = 2 + cps.length; j < p; j++) penalty[j] = sPen;
  const scale = Math.max(1, n - 1);
  return {
    p,
    cps,
    penalty,
    row(i, out, offset) {
      const t = i / scale;
      out[offset] = 1;
      out[offset + 1] = t;
      let c = offset + 2;
      for (const cp of cps) out[c++] = i > cp ? (i - cp) / scale : 0;
      for (const s of o.seasonalities) {
        const w = (2 * Math.PI * i) / s.period;
        for (let f = 1; f <= s.order; f++) {
          out[c++] = Math.sin(f * w);
          out[c++] = Math.cos(f * w);
        }
      }
      for (const h of holidayCols) out[c++] = h.indices.has(i) ? 1 : 0;
    },
  };
}

/**
 * Prophet's additive model y = trend + seasonalities + holidays, fitted by ridge least squares in one
 * pass (plus one robust refit) instead of MCMC/L-BFGS: trend piecewise linear with candidate
 * changepoints whose slope changes are shrunk towards zero, seasonalities as Fourier series.
 */
export function fitDecomposable(y: ArrayLike<number>, o: DecomposableOptions): DecomposableFit {
  const n = y.length;
  const d = design(n, o);
  const { p } = d;
  let mu = 0;
  for (let i = 0; i < n; i++) mu += y[i]! / n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (y[i]! - mu) ** 2 / n;
  sd = Math.sqrt(sd) || 1;
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = (y[i]! - mu) / sd;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) d.row(i, x, i * p);
  let beta = ridgeSolve(x, n, p, ys, d.penalty);
  const cpPen = o.changepointPenalty ?? 10;
  for (let it = 0; it < (o.sparseIterations ?? 0); it++) {
    // λ|β| ≈ λβ²/|β̂|: the quadratic bound of the L1 penalty at the current estimate.
    const pen = Float64Array.from(d.penalty);
    for (let j = 0; j < d.cps.length; j++) pen[2 + j] = cpPen / (Math.abs(beta[2 + j]!) + 1e-3);
    beta = ridgeSolve(x, n, p, ys, pen);
  }
  const residuals = new Float64Array(n);
  const fittedS = new Float64Array(n);
  const computeFit = () => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += x[i * p + j]! * beta[j]!;
      fittedS[i] = s;
      residuals[i] = ys[i]! - s;
    }
  };
  computeFit();
  if (o.robust ?? true) {
    const scale = robustScale(residuals) || 1e-9;
    const w = new Float64Array(n);
    let down = 0;
    for (let i = 0; i < n; i++) {
      const z = Math.abs(residuals[i]!) / scale;
      w[i] = z > 4 ? 4 / z : 1;
      if (z > 4) down++;
    }
    if (down > 0) {
      beta = ridgeSolve(x, n, p, ys, d.penalty, w);
      computeFit();
    }
  }
  const sigmaS = robustScale(residuals);
  const lags = o.residualLags ?? 14;
  // Trend parts in original units.
  const trend = new Float64Array(n);
  const slopes = beta.subarray(2, 2 + d.cps.length);
  for (let i = 0; i < n; i++) {
    let s = beta[0]! + (beta[1]! * i) / Math.max(1, n - 1);
    for (let j = 0; j < d.cps.length; j++)
      if (i > d.cps[j]!) s += (slopes[j]! * (i - d.cps[j]!)) / Math.max(1, n - 1);
    trend[i] = mu + sd * s;
  }
  const seasonal = new Map<string, Float64Array>();
  let c = 2 + d.cps.length;
  for (const s of o.seasonalities) {
    const comp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let f = 0; f < 2 * s.order; f++) v += x[i * p + c + f]! * beta[c + f]!;
      comp[i] = sd * v;
    }
    seasonal.set(s.name, comp);
    c += 2 * s.order;
  }
  const fitted = Float64Array.from(fittedS, (v) => mu + sd * v);
  // Future trend uncertainty as in Prophet: changepoints keep arriving at the same rate with
  // Laplace-distributed size λ = mean |δ|; the variance of Σ δ·(h − s) over them is 2λ²·rate·h³/3.
  let lambda = 0;
  for (const s of slopes) lambda += Math.abs(s) / Math.max(1, slopes.length);
  const rate = d.cps.length / Math.max(1, (o.changepointRange ?? 0.9) * n);
  const sigma = sd * sigmaS;
  return {
    trend,
    seasonal,
    fitted,
    sigma,
    changepoints: d.cps.map((index, j) => ({ index, slopeChange: (sd * slopes[j]!) / Math.max(1, n - 1) })),
    forecast(horizon) {
      const out = new Float64Array(horizon);
      const row = new Float64Array(p);
      // Outliers were down-weighted in the fit; clip them too before they steer the AR path.
      const limit = 4 * sigmaS;
      const clipped = residuals.map((r) => Math.max(-limit, Math.min(limit, r)));
      const carry = forecastResiduals(clipped, lags, horizon).path;
      for (let h = 0; h < horizon; h++) {
        d.row(n + h, row, 0);
        let s = 0;
        for (let j = 0; j < p; j++) s += row[j]! * beta[j]!;
        out[h] = mu + sd * (s + carry[h]!);
      }
      return out;
    },
    spread(h) {
      const dt = h / Math.max(1, n - 1);
      const trendVar = (2 * lambda * lambda * rate * (n - 1) * dt * dt * dt) / 3;
      return Math.sqrt(1 + trendVar / Math.max(1e-12, sigmaS * sigmaS));
    },
  };
}
