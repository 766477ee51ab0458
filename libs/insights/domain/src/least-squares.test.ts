import { describe, expect, it } from 'vitest';
import { addRow, normalEquations, prefixGrams, ridgeSolve, solveRidge } from './least-squares.js';

/** A 50 × 4 design: intercept, time, a ramp that starts at row 20, a sine. */
const n = 50;
const p = 4;
const x = new Float64Array(n * p);
for (let i = 0; i < n; i++) {
  x.set([1, i / 10, i > 20 ? (i - 20) / 10 : 0, Math.sin(i)], i * p);
}

function naiveGram(rows: number, w?: ArrayLike<number>): number[] {
  const out = new Array<number>(p * p).fill(0);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) out[a * p + b]! += (w?.[i] ?? 1) * x[i * p + a]! * x[i * p + b]!;
    }
  }
  return out;
}

describe('least squares', () => {
  it('prefix Grams equal XᵀWX of each prefix, late-starting columns included', () => {
    const w = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1 + (i % 3)));
    const grams = prefixGrams(x, n, p, [35, 10, 50], w);
    for (const cut of [10, 35, 50]) {
      const got = Array.from(grams.get(cut)!);
      naiveGram(cut, w).forEach((v, k) => expect(got[k]).toBeCloseTo(v, 10));
    }
  });

  it('recovers exact coefficients, and a row taken back out with addRow leaves the others’ fit', () => {
    const beta = [2, -1, 3, 0.5];
    const y = Array.from({ length: n }, (_, i) => beta.reduce((s, b, j) => s + b * x[i * p + j]!, 0));
    ridgeSolve(x, n, p, y, [0, 0, 0, 0]).forEach((v, j) => expect(v).toBeCloseTo(beta[j]!, 6));
    // Corrupt one row, then remove it from the normal equations: the exact fit comes back.
    const bad = y.slice();
    bad[30] = 1000;
    const eq = normalEquations(x, n, p, bad);
    addRow(eq.xtx, eq.xty, x, 30, p, bad[30]!, -1);
    solveRidge(eq, [0, 0, 0, 0]).forEach((v, j) => expect(v).toBeCloseTo(beta[j]!, 6));
  });
});
