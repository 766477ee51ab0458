import { describe, expect, it } from 'vitest';
import { fitDecomposable } from './decomposable.js';
import { InsufficientDataError } from './errors.js';
import { forecast } from './forecast.js';
import { seasonalitiesFor } from './granularity.js';
import { seasonalNaive } from './seasonal-naive.js';
import { fitTheta } from './theta.js';

/** 10 + 0.5·t + 3·sin(2πt/7): a trend and a weekly cycle, no noise. */
const synthetic = (n: number) =>
  Array.from({ length: n }, (_, t) => 10 + 0.5 * t + 3 * Math.sin((2 * Math.PI * t) / 7));

describe('decomposable model', () => {
  it('recovers a known trend and weekly cycle exactly and extrapolates them', () => {
    const y = synthetic(140);
    const fit = fitDecomposable(y, { seasonalities: seasonalitiesFor('day', 140), residualLags: 0 });
    expect(fit.trend[100]! - fit.trend[99]!).toBeCloseTo(0.5, 2);
    const weekly = fit.seasonal.get('weekly')!;
    expect(Math.max(...weekly.slice(0, 7))).toBeCloseTo(3 * Math.sin((2 * Math.PI * 2) / 7), 1);
    const future = fit.forecast(14);
    const truth = synthetic(154).slice(140);
    future.forEach((v, h) => expect(v).toBeCloseTo(truth[h]!, 1));
  });

  it('finds a holiday effect given as a regressor', () => {
    const y = synthetic(140).map((v, t) => (t % 28 === 5 ? v + 20 : v));
    const holidays = [{ name: 'sale', indices: [5, 33, 61, 89, 117, 145] }];
    const fit = fitDecomposable(y, {
      seasonalities: seasonalitiesFor('day', 140),
      holidays,
      residualLags: 0,
      robust: false,
    });
    expect(fit.forecast(6)[5]! - synthetic(146)[145]!).toBeCloseTo(20, 0);
  });
});

describe('forecast', () => {
  it('on a clean trend + cycle picks a model that continues it, with an honest backtest', () => {
    const f = forecast(synthetic(140), { granularity: 'day', horizon: 14, level: 0.8 });
    const truth = synthetic(154).slice(140);
    f.mean.forEach((v, h) => expect(Math.abs(v - truth[h]!)).toBeLessThan(0.2));
    expect(f.accuracy.folds).toBe(3);
    expect(f.accuracy.mase).toBeLessThan(0.1);
    f.mean.forEach((v, h) => expect(f.lower[h]!).toBeLessThanOrEqual(v));
  });

  it('rejects fewer than 10 known points, naming the rule', () => {
    expect(() =>
      forecast([1, 2, NaN, 4, 5, 6, 7, 8, 9, 10], { granularity: 'day', horizon: 3, level: 0.8 }),
    ).toThrowError(
      new InsufficientDataError('min_points', 'at least 10 known points are needed to forecast, got 9'),
    );
  });

  it('returns a flat forecast with zero width for a flat series', () => {
    const f = forecast(new Array(30).fill(7), { granularity: 'day', horizon: 3, level: 0.8 });
    expect(Array.from(f.mean)).toEqual([7, 7, 7]);
    expect(Array.from(f.upper)).toEqual([7, 7, 7]);
    expect(f.model).toBe('constant');
  });

  it('handles missing values, zeros and an outlier without failing; counts never go negative', () => {
    const y = synthetic(120).map((v, t) => (t % 17 === 0 ? NaN : t % 7 === 3 ? 0 : v));
    y[60] = 5000;
    const f = forecast(y, { granularity: 'day', horizon: 7, level: 0.9 });
    expect(f.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(f.lower.every((v) => v >= 0)).toBe(true);
    // The outlier may not drag the forecast: the next week stays near the series' level (~70).
    expect(Math.max(...f.mean)).toBeLessThan(150);
  });

  it('forecasts a series shorter than two cycles without seasonality', () => {
    const f = forecast([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], {
      granularity: 'hour',
      horizon: 2,
      level: 0.8,
    });
    expect(f.mean[0]).toBeGreaterThan(14);
    expect(f.mean[0]).toBeLessThan(16);
  });
});

describe('baselines', () => {
  it('seasonal naive repeats the last cycle', () => {
    expect(Array.from(seasonalNaive([1, 2, 3, 4, 5, 6], 4, 3))).toEqual([4, 5, 6, 4]);
  });

  it('Theta on a straight line continues it at half the slope above the level', () => {
    const fit = fitTheta(
      Array.from({ length: 50 }, (_, t) => 2 * t),
      1,
    );
    // SES tracks the line (α → 1), and Theta adds half the OLS drift (1 per step).
    expect(fit.forecast(1)[0]).toBeCloseTo(99, 0);
  });
});
