import { describe, expect, it } from 'vitest';
import { detectPeriod, scoreStream } from './anomaly-stream.js';

/** Deterministic noise in [-1, 1) (a hash of t, so without the periodicity of a sampled sine). */
const noise = (t: number) => {
  let h = Math.imul(t ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 31 - 1;
};

describe('scoreStream', () => {
  const flatNoisy = (n: number) => Array.from({ length: n }, (_, t) => 50 + 2 * noise(t));

  it('is causal: a prefix scores exactly as the same points of the whole series', () => {
    const y = flatNoisy(1500).map((v, t) => (t === 900 ? v + 40 : t > 1200 ? v - 20 : v));
    const whole = scoreStream(y, { echo: 0 });
    const prefix = scoreStream(y.slice(0, 1000), { echo: 0 });
    expect(Array.from(prefix.score)).toEqual(Array.from(whole.score.subarray(0, 1000)));
  });

  it('flags a spike and a level shift once each, and nothing in plain noise', () => {
    const y = flatNoisy(2000).map((v, t) => (t === 900 ? v + 40 : t >= 1500 ? v - 20 : v));
    const s = scoreStream(y, { echo: 0, warmup: 300 });
    const flagged = [...s.score.keys()].filter((t) => s.score[t]! >= 0.5);
    expect(flagged[0]).toBe(900);
    expect(flagged.filter((t) => t >= 1500 && t < 1510)).toHaveLength(1);
    // The noise before, between and after (once the shift is the new normal) is never flagged.
    expect(flagged.filter((t) => t !== 900 && (t < 1500 || t > 1600))).toEqual([]);
    expect(s.z[900]).toBeGreaterThan(10);
    expect(s.expected[900]).toBeCloseTo(50, 0);
  });

  it('with a period, judges the change from one cycle earlier: the daily swing is not news, a drop is', () => {
    const y = Array.from(
      { length: 24 * 30 },
      (_, t) => 100 + 40 * Math.sin((2 * Math.PI * t) / 24) + noise(t),
    );
    y[600] = y[600]! * 0.5;
    const s = scoreStream(y, { period: 24, echo: 0, warmup: 100, suppress: 0 });
    // Score ≥ 0.5 marks a new record of the series' own deviations (noise makes a few, a little above 0.5);
    // the drop stands far above them.
    const top = [...s.score.keys()].sort((a, b) => s.score[b]! - s.score[a]!);
    expect(top[0]).toBe(600);
    expect(s.score[600]).toBeGreaterThan(0.85);
    expect(s.score[top[1]!]).toBeLessThan(0.65);
    expect(s.z[600]).toBeLessThan(-10);
    // The spike was replaced by its expected value, so one cycle on it does not come back as a rise.
    expect(s.score[624]).toBeLessThan(0.65);
  });

  it('does not alert on a value seen about one echo earlier (a daily batch job on its second day)', () => {
    const y = flatNoisy(3000).map((v, t) => (t % 288 === 100 ? 110 : v));
    const s = scoreStream(y, { echo: 288, echoTolerance: 4, warmup: 300 });
    const spikes = (sc: Float64Array) => [...sc.keys()].filter((t) => sc[t]! >= 0.5 && t % 288 === 100);
    expect(spikes(s.score)).toEqual([]);
    expect(spikes(scoreStream(y, { echo: 0, warmup: 300 }).score)).toContain(388);
  });

  it('skips missing points', () => {
    const y = flatNoisy(400);
    y[350] = NaN;
    const s = scoreStream(y, { echo: 0 });
    expect(s.score[350]).toBe(0);
    expect(s.expected[350]).toBeNaN();
  });
});

describe('detectPeriod', () => {
  it('finds the cycle of a seasonal series and none in noise', () => {
    const y = Array.from({ length: 600 }, (_, t) => Math.sin((2 * Math.PI * t) / 24) + 0.2 * noise(t));
    expect(detectPeriod(y, 4)).toBe(24);
    expect(
      detectPeriod(
        Array.from({ length: 600 }, (_, t) => noise(t)),
        4,
      ),
    ).toBe(1);
    expect(detectPeriod(new Array(100).fill(3), 4)).toBe(1);
  });
});
