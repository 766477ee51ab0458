import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  optimizeThreshold,
  probationaryLength,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  windowsFromLabels,
  windowsToIndices,
  type ScoredFile,
} from './nab-scorer.js';

const standard = NAB_PROFILES.standard;

/** 100 rows, one window [40, 49], detections (score 1) at the given rows, 0 elsewhere. */
function file(detections: number[], windows: [number, number][] = [[40, 49]], n = 100): ScoredFile {
  const scores = new Float64Array(n);
  for (const d of detections) scores[d] = 1;
  return { name: 'f.csv', scores, windows };
}

describe('scaledSigmoid (nab/sweeper.py)', () => {
  it('gives the documented values', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });
});

describe('probationaryLength (nab/util.py)', () => {
  it('is 15 % of the file, at most 750 rows', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4033)).toBe(604);
    expect(probationaryLength(10_000)).toBe(750);
  });
});

describe('scoreFile', () => {
  it('scores a detection at the left edge of a window as exactly tpWeight', () => {
    const s = scoreFile(file([40]), standard, 1);
    expect(s.score).toBeCloseTo(1, 12);
    expect(s).toMatchObject({ tp: 1, fp: 0, fn: 9 });
  });

  it('scores a later detection lower and only the earliest of several', () => {
    // Right edge: relative position −1/10 → scaledSigmoid(−0.1) / scaledSigmoid(−1).
    const right = (2 / (1 + Math.exp(-0.5)) - 1) / (2 / (1 + Math.exp(-5)) - 1);
    expect(scoreFile(file([49]), standard, 1).score).toBeCloseTo(right, 12);
    expect(scoreFile(file([45, 49]), standard, 1).score).toBeCloseTo(
      scaledSigmoid(-5 / 10) / scaledSigmoid(-1),
      12,
    );
  });

  it('charges a missed window −fnWeight', () => {
    expect(scoreFile(file([]), standard, 1).score).toBe(-1);
    expect(scoreFile(file([]), NAB_PROFILES.reward_low_FN_rate, 1).score).toBe(-2);
  });

  it('charges a false positive before any window the full fpWeight', () => {
    expect(scoreFile(file([20, 40]), standard, 1).score).toBeCloseTo(1 - 0.11, 12);
  });

  it('charges a false positive after a window by its distance past the right edge', () => {
    // Row 52: |49 − 52| / (10 − 1) = 1/3 past the window → scaledSigmoid(1/3) × 0.11.
    const s = scoreFile(file([40, 52]), standard, 1);
    expect(s.score).toBeCloseTo(1 + 0.11 * (2 / (1 + Math.exp(5 / 3)) - 1), 12);
    expect(s).toMatchObject({ tp: 1, fp: 1 });
  });

  it('ignores rows in the probationary period, and a window there does not count as missed', () => {
    // 100 rows: probation is rows 0–14; the window [5, 10] lies inside it.
    expect(scoreFile(file([7], [[5, 10]]), standard, 1).score).toBe(0);
    expect(scoreFile(file([3]), standard, 1).score).toBe(-1);
  });
});

describe('optimizeThreshold and scoreCorpus', () => {
  it('picks the threshold with the best summed score over the corpus', () => {
    const scores = new Float64Array(100);
    scores[20] = 0.9; // a false positive
    scores[45] = 0.8; // in the window
    const f: ScoredFile = { name: 'a.csv', scores, windows: [[40, 49]] };
    const tp = scaledSigmoid(-5 / 10) / scaledSigmoid(-1);
    // 1.1 → −1 (missed); 0.9 → −1.11; 0.8 → tp − 0.11; 0 → tp − 0.11 × (every other row).
    expect(optimizeThreshold([f], standard)).toMatchObject({ threshold: 0.8, tp: 1, fp: 1 });
    expect(optimizeThreshold([f], standard).score).toBeCloseTo(tp - 0.11, 12);
    // With false positives dear enough, flagging nothing is best.
    expect(optimizeThreshold([f], { tpWeight: 1, fpWeight: 3, fnWeight: 1 }).threshold).toBe(1.1);
  });

  it('normalises against the null detector and the perfect score', () => {
    const files = [file([40]), { ...file([40, 70], [[40, 49]]), name: 'b.csv' }];
    const r = scoreCorpus(files, standard);
    // The null detector flags nothing at its best: −1 per window. Perfect: +1 per window.
    expect(r.null).toBe(-2);
    expect(r.perfect).toBe(2);
    const raw = 1 + 1 + 0.11 * scaledSigmoid(21 / 9);
    expect(r.raw).toBeCloseTo(raw, 12);
    expect(r.normalised).toBeCloseTo((100 * (raw + 2)) / 4, 10);
    expect(scoreCorpus([file([40])], standard).normalised).toBeCloseTo(100, 10);
    expect(scoreCorpus([file([])], standard).normalised).toBe(0);
  });
});

describe('windowsFromLabels (nab/labeler.py)', () => {
  it('centres a window of 10 % of the file per anomaly', () => {
    expect(windowsFromLabels(1000, [500])).toEqual([[450, 550]]);
    expect(windowsFromLabels(1000, [400, 800])).toEqual([
      [375, 425],
      [775, 825],
    ]);
  });

  it('merges overlapping windows and drops a first window reaching into the probation', () => {
    expect(windowsFromLabels(1000, [300, 320])).toEqual([[275, 345]]);
    expect(windowsFromLabels(1000, [100, 600])).toEqual([[575, 625]]);
  });

  it('maps timestamp limits to rows by exact match', () => {
    expect(windowsToIndices([10, 20, 30, 40], [[20, 40]])).toEqual([[1, 3]]);
    expect(() => windowsToIndices([10, 20], [[15, 20]])).toThrow(/not on a row/);
  });
});
