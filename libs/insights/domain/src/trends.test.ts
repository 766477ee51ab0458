import { describe, expect, it } from 'vitest';
import { analyzeTrend, mannKendall, theilSen } from './trends.js';

describe('Mann–Kendall and Theil–Sen', () => {
  it('computes S, its variance and the median pairwise slope by hand', () => {
    // Pairs of [1, 3, 2, 5]: +,+,+,−,+,+ → S = 4; Var = 4·3·13/18 = 8.667.
    const mk = mannKendall([1, 3, 2, 5]);
    expect(mk.s).toBe(4);
    expect(mk.variance).toBeCloseTo(26 / 3, 12);
    // Slopes 2, 0.5, 4/3, −1, 1, 3 → sorted −1, 0.5, 1, 4/3, 2, 3 → median (1 + 4/3)/2.
    expect(theilSen([1, 3, 2, 5], mk.variance).slope).toBeCloseTo(7 / 6, 12);
  });

  it('Theil–Sen ignores an outlier that would tilt least squares', () => {
    const y = Array.from({ length: 30 }, (_, t) => 2 * t + 1);
    y[29] = 500;
    expect(theilSen(y, mannKendall(y).variance).slope).toBe(2);
  });
});

describe('analyzeTrend', () => {
  it('reports direction, the slope, a changepoint where growth stops and half-over-half change', () => {
    // Daily: rises by 1 a day for 60 days then stays flat for 60, with a weekly cycle.
    const y = Array.from(
      { length: 120 },
      (_, t) => 100 + Math.min(t, 60) + 5 * Math.sin((2 * Math.PI * t) / 7),
    );
    const t = analyzeTrend(y, 'day');
    expect(t.direction).toBe('up');
    expect(t.pValue).toBeLessThan(0.001);
    expect(t.changepoints.length).toBeGreaterThanOrEqual(1);
    const main = t.changepoints.reduce((a, b) => (Math.abs(b.slopeChange) > Math.abs(a.slopeChange) ? b : a));
    expect(Math.abs(main.index - 60)).toBeLessThanOrEqual(6);
    expect(main.slopeChange).toBeLessThan(-0.5);
    expect(t.seasonalityStrength['weekly']).toBeGreaterThan(0.9);
    const first = y.slice(0, 60).reduce((a, b) => a + b, 0);
    const second = y.slice(60).reduce((a, b) => a + b, 0);
    expect(t.changePercent).toBeCloseTo(((second - first) / first) * 100, 10);
  });

  it('calls a trendless noisy series flat', () => {
    const y = Array.from({ length: 60 }, (_, t) => 50 + 5 * Math.sin(t * 12.9898));
    expect(analyzeTrend(y, 'day').direction).toBe('flat');
  });
});
