import { describe, expect, it } from 'vitest';
import { coverage, mase, naiveScale, rmse, smape } from './accuracy.js';

describe('accuracy measures (M4 definitions)', () => {
  it('sMAPE is 200·|y−ŷ|/(|y|+|ŷ|) averaged, in percent, with 0/0 counted as 0', () => {
    // 200·2/18 = 22.22…, 0, and 0/0 → 0.
    expect(smape([10, 5, 0], [8, 5, 0])).toBeCloseTo(200 / 27, 10);
  });

  it('MASE divides the forecast MAE by the in-sample seasonal-naive MAE', () => {
    const history = [1, 2, 3, 4, 2, 3, 4, 5]; // period 4: every lag-4 difference is 1
    expect(naiveScale(history, 4)).toBe(1);
    expect(mase(history, [3, 4], [2, 2], 4)).toBe(1.5);
    expect(mase([5, 5, 5], [5], [5], 1)).toBe(0);
    expect(mase([5, 5, 5], [6], [5], 1)).toBe(Infinity);
  });

  it('RMSE and coverage', () => {
    expect(rmse([1, 2, 3], [1, 2, 6])).toBeCloseTo(Math.sqrt(3), 12);
    expect(coverage([1, 5, 9, 3], [0, 0, 0, 4], [2, 6, 8, 5])).toBe(0.5);
  });
});
