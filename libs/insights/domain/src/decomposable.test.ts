import { describe, expect, it } from 'vitest';
import { fitDecomposable, prepareDecomposable, type DecomposableOptions } from './decomposable.js';
import { seasonalitiesFor } from './granularity.js';

/** 10 + 0.5·t + 3·sin(2πt/7): a trend and a weekly cycle, no noise. */
const synthetic = (n: number) =>
  Array.from({ length: n }, (_, t) => 10 + 0.5 * t + 3 * Math.sin((2 * Math.PI * t) / 7));

describe('decomposable model', () => {
  it('skips missing buckets and still recovers the trend and cycle exactly', () => {
    const y = synthetic(140).map((v, t) => (t % 11 === 4 ? NaN : v));
    const fit = fitDecomposable(y, { seasonalities: seasonalitiesFor('day', 140), residualLags: 0 });
    const truth = synthetic(154).slice(140);
    fit.forecast(14).forEach((v, h) => expect(v).toBeCloseTo(truth[h]!, 1));
  });

  it('a damped forecast adds slope·φᵏ per step instead of the slope', () => {
    const y = Array.from({ length: 100 }, (_, t) => 5 + 0.5 * t);
    const fit = fitDecomposable(y, { seasonalities: [], residualLags: 0 });
    const f = fit.forecast(5, 0.9);
    const steps = [f[0]! - 54.5, ...Array.from({ length: 4 }, (_, k) => f[k + 1]! - f[k]!)];
    steps.forEach((s, k) => expect(s).toBeCloseTo(0.5 * 0.9 ** (k + 1), 2));
    expect(fit.forecast(1, 1)[0]).toBeCloseTo(55, 2);
  });

  it('learns a weekly shape that changes through the year with the interaction terms', () => {
    // The weekly swing is large in winter and vanishes in summer: (1 + cos(2πt/365.25))·2·sin(2πt/7).
    const series = (n: number) =>
      Array.from(
        { length: n },
        (_, t) => 20 + (1 + Math.cos((2 * Math.PI * t) / 365.25)) * 2 * Math.sin((2 * Math.PI * t) / 7),
      );
    const y = series(3 * 365);
    const truth = series(3 * 365 + 28).slice(3 * 365);
    const base: DecomposableOptions = { seasonalities: seasonalitiesFor('day', y.length), residualLags: 0 };
    const maxError = (o: DecomposableOptions) =>
      Math.max(
        ...fitDecomposable(y, o)
          .forecast(28)
          .map((v, h) => Math.abs(v - truth[h]!)),
      );
    expect(maxError({ ...base, interactionOrder: 1 })).toBeLessThan(0.05);
    expect(maxError(base)).toBeGreaterThan(1);
  });

  it('a design prepared for the whole series fits the whole series exactly as a fresh one', () => {
    const y = synthetic(200).map((v, t) => v + ((t * 7919) % 13) / 13 - 0.5);
    const o: DecomposableOptions = { seasonalities: seasonalitiesFor('day', 200), changepointRange: 1 };
    const prepared = prepareDecomposable(y, o, [120, 160, 200]);
    const shared = fitDecomposable(y, o, prepared).forecast(10);
    fitDecomposable(y, o)
      .forecast(10)
      .forEach((v, h) => expect(shared[h]).toBeCloseTo(v, 8));
    // A prefix fit reuses the Gram of its rows and still tracks the series.
    const prefix = fitDecomposable(y.slice(0, 160), o, prepared).forecast(10);
    prefix.forEach((v, h) => expect(Math.abs(v - synthetic(170)[160 + h]!)).toBeLessThan(1));
  });
});
