import { describe, expect, it } from 'vitest';
import { sortedWindow } from './sorted-window.js';
import { quantile } from './stats.js';

/** Deterministic values in [-1000, 1000]. */
const value = (t: number) => Math.round(Math.sin(t * 12.9898) * 1000);

describe('sortedWindow', () => {
  it('holds the last values and gives the same quantiles as a sort', () => {
    const w = sortedWindow(50);
    const all: number[] = [];
    for (let t = 0; t < 500; t++) {
      const v = value(t);
      w.push(v);
      all.push(v);
      const last = all.slice(-50);
      for (const q of [0, 0.25, 0.5, 0.998, 1]) expect(w.quantile(q)).toBe(quantile(last, q));
    }
    expect(w.size).toBe(50);
  });
});
