import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from './seeded-random.js';
import { contributions, fitLogistic, predictProbability, rawCoefficients } from './logistic-regression.js';

const normal = (rnd: () => number) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

// mtcars (R datasets): horsepower, weight (1000 lb) and transmission (1 = manual), in R's row order.
const HP = [
  110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65, 97, 150, 150,
  245, 175, 66, 91, 113, 264, 175, 335, 109,
];
const WT = [
  2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19, 3.15, 3.44, 3.44, 4.07, 3.73, 3.78, 5.25, 5.424, 5.345,
  2.2, 1.615, 1.835, 2.465, 3.52, 3.435, 3.84, 3.845, 1.935, 2.14, 1.513, 3.17, 2.77, 3.57, 2.78,
];
const AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];

describe('fitLogistic', () => {
  it("matches R's glm(am ~ hp + wt, family = binomial, data = mtcars) without a penalty", () => {
    // Published estimates: (Intercept) 18.86630, hp 0.03626, wt -8.08348.
    const m = fitLogistic(
      HP.map((hp, i) => [hp, WT[i]!]),
      AM,
      { l2: 0 },
    );
    expect(m.converged).toBe(true);
    const raw = rawCoefficients(m);
    expect(raw.intercept).toBeCloseTo(18.8663, 3);
    expect(raw.coefficients[0]).toBeCloseTo(0.03626, 4);
    expect(raw.coefficients[1]).toBeCloseTo(-8.08348, 3);
  });

  it('recovers known coefficients of simulated data on different scales', () => {
    const rnd = seeded(7);
    const truth = { intercept: -1.5, coefficients: [0.8, -0.4, 0, 1.2] };
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      // Features with means and spreads far from 0 and 1, and a binary one.
      const row = [10 + 3 * normal(rnd), -5 + 2 * normal(rnd), 100 * normal(rnd), rnd() < 0.3 ? 1 : 0];
      const eta = truth.coefficients.reduce(
        (s, b, j) => s + b * row[j]!,
        truth.intercept - 0.8 * 10 + 0.4 * -5,
      );
      x.push(row);
      y.push(rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    }
    const m = fitLogistic(x, y, { l2: 0 });
    expect(m.converged).toBe(true);
    expect(m.iterations).toBeLessThan(15);
    const raw = rawCoefficients(m);
    // Standard errors here are about 0.005-0.03; four of them is a generous but failing-when-wrong margin.
    expect(raw.intercept).toBeCloseTo(truth.intercept - 8 - 2, 0);
    expect(Math.abs(raw.coefficients[0]! - 0.8)).toBeLessThan(0.04);
    expect(Math.abs(raw.coefficients[1]! + 0.4)).toBeLessThan(0.04);
    expect(Math.abs(raw.coefficients[2]!)).toBeLessThan(0.002);
    expect(Math.abs(raw.coefficients[3]! - 1.2)).toBeLessThan(0.12);
  });

  it('the L2 penalty shrinks the coefficients and keeps separable data finite', () => {
    const x = [[1], [2], [3], [4], [5], [6]];
    const y = [0, 0, 0, 1, 1, 1];
    const loose = fitLogistic(x, y, { l2: 0.01 });
    const tight = fitLogistic(x, y, { l2: 10 });
    expect(loose.converged && tight.converged).toBe(true);
    expect(Number.isFinite(loose.coefficients[0]!)).toBe(true);
    expect(loose.coefficients[0]!).toBeGreaterThan(tight.coefficients[0]!);
    expect(tight.coefficients[0]!).toBeGreaterThan(0);
    // At the penalised optimum the gradient vanishes: Σ(yᵢ − pᵢ)zᵢ = λβ.
    const z = x.map((r) => (r[0]! - tight.means[0]!) / tight.stdDevs[0]!);
    const grad = z.reduce((s, zi, i) => s + (y[i]! - predictProbability(tight, x[i]!)) * zi, 0);
    expect(grad).toBeCloseTo(10 * tight.coefficients[0]!, 6);
  });

  it('contributions are coefficient × standardised value and sum with the intercept to the log-odds', () => {
    const m = fitLogistic(
      HP.map((hp, i) => [hp, WT[i]!]),
      AM,
      { l2: 1 },
    );
    const row = [150, 3];
    const c = contributions(m, row);
    expect(c[0]).toBeCloseTo((m.coefficients[0]! * (150 - m.means[0]!)) / m.stdDevs[0]!, 12);
    const p = predictProbability(m, row);
    expect(Math.log(p / (1 - p))).toBeCloseTo(m.intercept + c[0]! + c[1]!, 9);
  });

  it('rejects empty or mismatched input', () => {
    expect(() => fitLogistic([], [])).toThrow(/no training rows/);
    expect(() => fitLogistic([[1]], [1, 0])).toThrow(/differ/);
  });
});
