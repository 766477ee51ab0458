import { mase, smape } from './accuracy.js';
import { fitDecomposable, type Holiday } from './decomposable.js';
import { InsufficientDataError } from './errors.js';
import { fillMissing } from './fill-missing.js';
import { primaryPeriod, seasonalitiesFor, type Granularity } from './granularity.js';
import { seasonalNaive, seasonalNaiveSpread } from './seasonal-naive.js';
import { normalQuantile, quantile } from './stats.js';
import { fitTheta } from './theta.js';

/** Fewest known points a forecast is made from. */
export const MIN_FORECAST_POINTS = 10;

export type ModelName = 'decomposable' | 'theta' | 'seasonal_naive' | 'decomposable+theta';

export interface ForecastOptions {
  readonly granularity: Granularity;
  readonly horizon: number;
  /** Central interval level in (0, 1), e.g. 0.8. */
  readonly level: number;
  readonly holidays?: readonly Holiday[];
  /** Restrict the candidates (benchmarks, tests); default all. */
  readonly models?: readonly ModelName[];
  /** Rolling-origin folds; default 3. */
  readonly folds?: number;
}

export interface Accuracy {
  readonly mase: number;
  readonly smape: number;
  readonly coverage: number;
  readonly folds: number;
}

export interface ForecastResult {
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly model: ModelName | 'constant';
  readonly accuracy: Accuracy;
}

interface PointModel {
  readonly mean: Float64Array;
  /** Unit spread (σ·growth) per step, so intervals share one calibration across models. */
  readonly unit: Float64Array;
}

type BaseModel = Exclude<ModelName, 'decomposable+theta'>;

function runBase(name: BaseModel, y: Float64Array, horizon: number, o: ForecastOptions): PointModel {
  const n = y.length;
  const period = primaryPeriod(o.granularity, n);
  const unit = new Float64Array(horizon);
  if (name === 'seasonal_naive') {
    const mean = seasonalNaive(y, horizon, period);
    let s = 0;
    const m = n > period ? period : 1;
    for (let i = m; i < n; i++) s += (y[i]! - y[i - m]!) ** 2;
    const sigma = Math.sqrt(s / Math.max(1, n - m));
    for (let h = 1; h <= horizon; h++) unit[h - 1] = sigma * seasonalNaiveSpread(h, m);
    return { mean, unit };
  }
  if (name === 'theta') {
    const fit = fitTheta(y, period);
    for (let h = 1; h <= horizon; h++) unit[h - 1] = fit.sigma * fit.spread(h);
    return { mean: fit.forecast(horizon), unit };
  }
  const holidays = o.holidays;
  const fit = fitDecomposable(y, {
    seasonalities: seasonalitiesFor(o.granularity, n),
    residualLags: Math.min(28, Math.max(2, 2 * period)),
    ...(holidays === undefined ? {} : { holidays }),
  });
  for (let h = 1; h <= horizon; h++) unit[h - 1] = fit.sigma * fit.spread(h);
  return { mean: fit.forecast(horizon), unit };
}

/** Runs the named models on one training window; a combination reuses its parts' runs. */
function runModels(
  names: readonly ModelName[],
  y: Float64Array,
  horizon: number,
  o: ForecastOptions,
): Map<ModelName, PointModel> {
  const base = new Map<ModelName, PointModel>();
  const need = new Set<BaseModel>();
  for (const name of names) {
    if (name === 'decomposable+theta') {
      need.add('decomposable');
      need.add('theta');
    } else need.add(name);
  }
  for (const name of need) base.set(name, runBase(name, y, horizon, o));
  const out = new Map<ModelName, PointModel>();
  for (const name of names) {
    if (name !== 'decomposable+theta') {
      out.set(name, base.get(name)!);
      continue;
    }
    const a = base.get('decomposable')!;
    const b = base.get('theta')!;
    out.set(name, {
      mean: a.mean.map((v, i) => (v + b.mean[i]!) / 2),
      unit: a.unit.map((v, i) => (v + b.unit[i]!) / 2),
    });
  }
  return out;
}

const ALL: readonly ModelName[] = ['decomposable', 'theta', 'seasonal_naive', 'decomposable+theta'];

/**
 * Forecasts `horizon` buckets: every candidate model is scored by rolling-origin backtest on the series
 * itself (MASE, seasonal-naive scaled), the best is refitted on all of it, and its interval is the
 * model's own spread rescaled so the backtest errors fall inside at the requested level (split-conformal).
 * Missing values (NaN) are interpolated; non-negative histories get non-negative forecasts.
 */
export function forecast(values: ArrayLike<number>, o: ForecastOptions): ForecastResult {
  let known = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) known++;
  if (known < MIN_FORECAST_POINTS) {
    throw new InsufficientDataError(
      'min_points',
      `at least ${MIN_FORECAST_POINTS} known points are needed to forecast, got ${known}`,
    );
  }
  const y = fillMissing(Array.from(values, (v) => (Number.isFinite(v) ? v : NaN)));
  const n = y.length;
  const horizon = o.horizon;
  let nonNegative = true;
  let flat = true;
  for (let i = 0; i < n; i++) {
    if (y[i]! < 0) nonNegative = false;
    if (y[i] !== y[0]) flat = false;
  }
  if (flat) {
    const v = new Float64Array(horizon).fill(y[0]!);
    return {
      mean: v,
      lower: v.slice(),
      upper: v.slice(),
      model: 'constant',
      accuracy: { mase: 0, smape: 0, coverage: 1, folds: 0 },
    };
  }
  const period = primaryPeriod(o.granularity, n);
  const candidates = o.models ?? ALL;
  // Backtest horizon: the requested one, but short enough that every fold trains on half the series.
  const minTrain = Math.max(MIN_FORECAST_POINTS, 2 * period);
  const foldsWanted = o.folds ?? 3;
  const hb = Math.max(1, Math.min(horizon, Math.floor(n / (2 * foldsWanted))));
  const folds = n - hb * foldsWanted >= minTrain ? foldsWanted : Math.max(0, Math.floor((n - minTrain) / hb));
  const scores = new Map<ModelName, { mase: number; smape: number; ratios: number[][] }>();
  for (const name of candidates) scores.set(name, { mase: 0, smape: 0, ratios: [] });
  for (let f = folds; f >= 1; f--) {
    const cut = n - f * hb;
    const train = y.subarray(0, cut);
    const test = y.subarray(cut, cut + hb);
    const runs = runModels(candidates, train, hb, o);
    for (const name of candidates) {
      const m = runs.get(name)!;
      const s = scores.get(name)!;
      s.mase += mase(train, test, m.mean, period) / folds;
      s.smape += smape(test, m.mean) / folds;
      s.ratios.push(Array.from(test, (v, h) => Math.abs(v - m.mean[h]!) / (m.unit[h]! || 1e-12)));
    }
  }
  let best: ModelName = candidates.includes('theta') ? 'theta' : candidates[0]!;
  if (folds > 0) {
    let bestScore = Infinity;
    for (const name of candidates) {
      const s = scores.get(name)!.mase;
      if (s < bestScore) {
        bestScore = s;
        best = name;
      }
    }
  }
  const chosen = scores.get(best)!;
  const z = folds > 0 ? quantile(chosen.ratios.flat(), o.level) : normalQuantile((1 + o.level) / 2);
  const coverage = heldOutCoverage(chosen.ratios, o.level);
  const final = runModels([best], y, horizon, o).get(best)!;
  const lower = new Float64Array(horizon);
  const upper = new Float64Array(horizon);
  const mean = final.mean;
  for (let h = 0; h < horizon; h++) {
    if (nonNegative && mean[h]! < 0) mean[h] = 0;
    lower[h] = mean[h]! - z * final.unit[h]!;
    upper[h] = mean[h]! + z * final.unit[h]!;
    if (nonNegative && lower[h]! < 0) lower[h] = 0;
  }
  return {
    mean,
    lower,
    upper,
    model: best,
    accuracy: {
      mase: folds > 0 ? chosen.mase : NaN,
      smape: folds > 0 ? chosen.smape : NaN,
      coverage,
      folds,
    },
  };
}

/**
 * Interval coverage on the backtest that does not grade the calibration on its own data: each fold's
 * errors are judged against the scale calibrated on the other folds (NaN with fewer than two folds).
 */
function heldOutCoverage(ratiosByFold: readonly number[][], level: number): number {
  if (ratiosByFold.length < 2) return NaN;
  let inside = 0;
  let count = 0;
  ratiosByFold.forEach((fold, f) => {
    const z = quantile(ratiosByFold.filter((_, g) => g !== f).flat(), level);
    for (const r of fold) if (r <= z) inside++;
    count += fold.length;
  });
  return inside / count;
}
