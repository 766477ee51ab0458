import type { Seasonality } from './granularity.js';
import { addRow, normalEquations, prefixGrams, solveRidge, type NormalEquations } from './least-squares.js';
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
  /**
   * Harmonics of the second cycle that modulate the first (shortest) one, e.g. a weekly shape that
   * differs in and out of a sports season, or a daily shape that differs at weekends: products of
   * the first cycle's Fourier terms (up to `interactionInnerOrder`, default 3) with the second's.
   * Prophet's docs model this by hand as conditional seasonalities. Default 0 (off).
   */
  readonly interactionOrder?: number;
  readonly interactionInnerOrder?: number;
  /** Order of the AR model of the residuals carried into the forecast; 0 turns it off. Default 14. */
  readonly residualLags?: number;
  /**
   * Damping φ of the last trend segment's slope in the forecast: step h adds slope·(φ + … + φʰ).
   * 1 (default) extrapolates the slope linearly as Prophet does; below 1 the trend flattens out.
   */
  readonly trendDamping?: number;
  /**
   * Local level correction: `levelWeight` × the mean residual of the last `levelWindow` buckets is added
   * to every forecast step, on top of the AR path (which decays to zero). It keeps part of a recent
   * shift the trend's changepoints cannot yet see; equivalently, the average of the AR-corrected
   * forecast and one that also carries the recent level. Default window 0 (off), weight 0.5.
   */
  readonly levelWindow?: number;
  readonly levelWeight?: number;
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
  /** Forecast; `trendDamping` overrides the option's φ for this call (the fit does not depend on it). */
  forecast(horizon: number, trendDamping?: number): Float64Array;
  /** Error growth at step h relative to σ: observation noise plus Prophet-style future trend changes. */
  spread(h: number): number;
}

interface Design {
  readonly p: number;
  /** Buckets the design was laid out for; time is i / scale with scale = length − 1. */
  readonly length: number;
  readonly scale: number;
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
  // The shortest cycle's shape modulated by the next one's first harmonics (see the option).
  const inner = o.seasonalities[0];
  const outer = o.seasonalities[1];
  const outerOrder = inner !== undefined && outer !== undefined ? (o.interactionOrder ?? 0) : 0;
  const innerOrder = outerOrder > 0 ? Math.min(inner!.order, o.interactionInnerOrder ?? 3) : 0;
  const inter = 4 * innerOrder * outerOrder;
  const p = 2 + cps.length + fourier + holidayCols.length + inter;
  const penalty = new Float64Array(p);
  const cpPen = o.changepointPenalty ?? 10;
  const sPen = o.seasonalityPenalty ?? 0.1;
  for (let j = 0; j < cps.length; j++) penalty[2 + j] = cpPen;
  for (let j = 2 + cps.length; j < p; j++) penalty[j] = sPen;
  const scale = Math.max(1, n - 1);
  return {
    p,
    length: n,
    scale,
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
      if (inter > 0) {
        const wi = (2 * Math.PI * i) / inner!.period;
        const wo = (2 * Math.PI * i) / outer!.period;
        for (let f = 1; f <= innerOrder; f++) {
          const si = Math.sin(f * wi);
          const ci = Math.cos(f * wi);
          for (let g = 1; g <= outerOrder; g++) {
            const so = Math.sin(g * wo);
            const co = Math.cos(g * wo);
            out[c++] = si * so;
            out[c++] = si * co;
            out[c++] = ci * so;
            out[c++] = ci * co;
          }
        }
      }
    },
  };
}

/**
 * A design laid out once for a whole series and shared by fits on its prefixes (the rolling-origin
 * backtest): the regressor rows and XᵀX of each prefix (missing buckets left out) are formed in one
 * pass instead of once per origin. A prefix fit keeps the whole series' changepoint grid and time
 * scale; candidate changepoints past its end are all-zero columns that the penalty holds at 0.
 */
export interface PreparedDesign {
  readonly design: Design;
  readonly x: Float64Array;
  readonly grams: ReadonlyMap<number, Float64Array>;
}

export function prepareDecomposable(
  values: ArrayLike<number>,
  o: DecomposableOptions,
  prefixes: readonly number[],
): PreparedDesign {
  const n = values.length;
  const d = design(n, o);
  const { p } = d;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) d.row(i, x, i * p);
  const known = Float64Array.from({ length: n }, (_, i) => (Number.isFinite(values[i]!) ? 1 : 0));
  const cuts = prefixes.filter((c) => c > 0 && c <= n);
  return { design: d, x, grams: prefixGrams(x, n, p, cuts, known) };
}

/**
 * Prophet's additive model y = trend + seasonalities + holidays, fitted by ridge least squares in one
 * pass (plus one robust refit) instead of MCMC/L-BFGS: trend piecewise linear with candidate
 * changepoints whose slope changes are shrunk towards zero, seasonalities as Fourier series.
 */
export function fitDecomposable(
  y: ArrayLike<number>,
  o: DecomposableOptions,
  prepared?: PreparedDesign,
): DecomposableFit {
  const n = y.length;
  const shared = prepared !== undefined && prepared.grams.has(n) ? prepared : undefined;
  const d = shared?.design ?? design(n, o);
  const { p } = d;
  // Missing buckets (NaN) are left out of the fit, as Prophet fits only the rows it has.
  const known = new Float64Array(n);
  let count = 0;
  let mu = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(y[i]!)) {
      known[i] = 1;
      count++;
      mu += y[i]!;
    }
  }
  if (count === 0) throw new RangeError('fitDecomposable needs at least one known value');
  mu /= count;
  let sd = 0;
  for (let i = 0; i < n; i++) if (known[i] === 1) sd += (y[i]! - mu) ** 2 / count;
  sd = Math.sqrt(sd) || 1;
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = known[i] === 1 ? (y[i]! - mu) / sd : 0;
  let x: Float64Array;
  let eq: NormalEquations;
  if (shared === undefined) {
    x = new Float64Array(n * p);
    for (let i = 0; i < n; i++) d.row(i, x, i * p);
    eq = normalEquations(x, n, p, ys, known);
  } else {
    x = shared.x;
    const xty = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const yi = ys[i]!;
      if (yi === 0) continue;
      for (let j = 0; j < p; j++) xty[j] = xty[j]! + x[i * p + j]! * yi;
    }
    eq = { p, xtx: shared.grams.get(n)!, xty };
  }
  let beta = solveRidge(eq, d.penalty);
  const cpPen = o.changepointPenalty ?? 10;
  for (let it = 0; it < (o.sparseIterations ?? 0); it++) {
    // λ|β| ≈ λβ²/|β̂|: the quadratic bound of the L1 penalty at the current estimate.
    const pen = Float64Array.from(d.penalty);
    for (let j = 0; j < d.cps.length; j++) pen[2 + j] = cpPen / (Math.abs(beta[2 + j]!) + 1e-3);
    beta = solveRidge(eq, pen);
  }
  const residuals = new Float64Array(n);
  const fittedS = new Float64Array(n);
  const computeFit = () => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += x[i * p + j]! * beta[j]!;
      fittedS[i] = s;
      // A missing bucket's residual is taken as 0 (the model's own value) for the AR that follows.
      residuals[i] = known[i] === 1 ? ys[i]! - s : 0;
    }
  };
  computeFit();
  if (o.robust ?? true) {
    const scale = robustScale(residuals) || 1e-9;
    // Huber-style weights: rows beyond 4 robust σ get weight 4/z; their share is taken back out of
    // the normal equations row by row instead of forming them again.
    const xtx = Float64Array.from(eq.xtx);
    const xty = Float64Array.from(eq.xty);
    let down = 0;
    for (let i = 0; i < n; i++) {
      const z = Math.abs(residuals[i]!) / scale;
      if (known[i] === 1 && z > 4) {
        addRow(xtx, xty, x, i, p, ys[i]!, 4 / z - 1);
        down++;
      }
    }
    if (down > 0) {
      beta = solveRidge({ p, xtx, xty }, d.penalty);
      computeFit();
    }
  }
  const sigmaS = robustScale(residuals);
  const lags = o.residualLags ?? 14;
  // Trend parts in original units.
  const trend = new Float64Array(n);
  const slopes = beta.subarray(2, 2 + d.cps.length);
  for (let i = 0; i < n; i++) {
    let s = beta[0]! + (beta[1]! * i) / d.scale;
    for (let j = 0; j < d.cps.length; j++) if (i > d.cps[j]!) s += (slopes[j]! * (i - d.cps[j]!)) / d.scale;
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
  // Only the changepoints inside this fit's history count (a shared design may lay out more).
  let active = 0;
  let lambda = 0;
  d.cps.forEach((cp, j) => {
    if (cp < n - 1) {
      active++;
      lambda += Math.abs(slopes[j]!);
    }
  });
  lambda /= Math.max(1, active);
  const rate = active / Math.max(1, (o.changepointRange ?? 0.9) * n);
  const sigma = sd * sigmaS;
  return {
    trend,
    seasonal,
    fitted,
    sigma,
    changepoints: d.cps.map((index, j) => ({ index, slopeChange: (sd * slopes[j]!) / d.scale })),
    forecast(horizon, damping) {
      const out = new Float64Array(horizon);
      const row = new Float64Array(p);
      const phi = damping ?? o.trendDamping ?? 1;
      const first = 2 + d.cps.length;
      let endSlope = beta[1]!;
      for (let j = 0; j < d.cps.length; j++) if (n - 1 > d.cps[j]!) endSlope += slopes[j]!;
      endSlope /= d.scale;
      let endTrend = 0;
      d.row(n - 1, row, 0);
      for (let j = 0; j < first; j++) endTrend += row[j]! * beta[j]!;
      // Outliers were down-weighted in the fit; clip them too before they steer the AR path.
      const limit = 4 * sigmaS;
      const clipped = residuals.map((r) => Math.max(-limit, Math.min(limit, r)));
      const carry = forecastResiduals(clipped, lags, horizon).path;
      const k = Math.min(o.levelWindow ?? 0, n);
      if (k > 0) {
        let level = 0;
        for (let i = n - k; i < n; i++) level += clipped[i]! / k;
        for (let h = 0; h < horizon; h++) carry[h] = carry[h]! + (o.levelWeight ?? 0.5) * level;
      }
      for (let h = 0; h < horizon; h++) {
        d.row(n + h, row, 0);
        let s = 0;
        if (phi === 1) {
          for (let j = 0; j < first; j++) s += row[j]! * beta[j]!;
        } else {
          // Σ_{k=1..h+1} φᵏ
          s = endTrend + endSlope * ((phi * (1 - phi ** (h + 1))) / (1 - phi));
        }
        for (let j = first; j < p; j++) s += row[j]! * beta[j]!;
        out[h] = mu + sd * (s + carry[h]!);
      }
      return out;
    },
    spread(h) {
      const dt = h / d.scale;
      const trendVar = (2 * lambda * lambda * rate * d.scale * dt * dt * dt) / 3;
      return Math.sqrt(1 + trendVar / Math.max(1e-12, sigmaS * sigmaS));
    },
  };
}
