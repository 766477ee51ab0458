import { describe, expect, it } from 'vitest';
import { brierScore, calibrationBins, rocAuc } from './classification-metrics.js';

describe('rocAuc', () => {
  it('a hand-computed case: 3 of 4 positive-negative pairs ordered right', () => {
    // Pairs (pos, neg): (0.35, 0.1) ✓, (0.35, 0.4) ✗, (0.8, 0.1) ✓, (0.8, 0.4) ✓ → 3/4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('ties count one half', () => {
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    // Pairs: (0.7 vs 0.7) ½, (0.7 vs 0.2) 1, (0.9 vs 0.7) 1, (0.9 vs 0.2) 1 → 3.5/4.
    expect(rocAuc([0.7, 0.2, 0.7, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });

  it('agrees with counting every pair on random data', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const scores = Array.from({ length: 400 }, () => Math.round(rnd() * 50) / 50);
    const labels = scores.map((s) => (rnd() < s ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++)
      for (let j = 0; j < scores.length; j++)
        if (labels[i] === 1 && labels[j] === 0) {
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });

  it('is NaN with one class only', () => {
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNaN();
  });
});

describe('brierScore', () => {
  it('a hand-computed case', () => {
    // (0.1² + 0.4² + 0.65² + 0.2²) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.158125
    expect(brierScore([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.158125, 12);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
  });
});

describe('calibrationBins', () => {
  it('puts each probability in its tenth, 1 in the last bin, and reports mean and observed rate', () => {
    const bins = calibrationBins([0.05, 0.15, 0.12, 1, 0.95], [0, 1, 0, 1, 0]);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(bins[1]!.count).toBe(2);
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.135, 12);
    expect(bins[1]!.observedRate).toBe(0.5);
    expect(bins[5]).toEqual({ lower: 0.5, upper: 0.6, count: 0, meanPredicted: 0, observedRate: 0 });
    expect(bins[9]!.count).toBe(2);
    expect(bins[9]!.observedRate).toBe(0.5);
  });
});
