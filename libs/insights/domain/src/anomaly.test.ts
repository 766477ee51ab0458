import { describe, expect, it } from 'vitest';
import { detectAnomalies, detectAnomaliesCausal, thresholdFor } from './anomaly.js';
import { InsufficientDataError } from './errors.js';

/** Two weeks of hourly orders: a daily cycle 100 ± 40 plus deterministic small noise. */
const hourly = () =>
  Array.from(
    { length: 24 * 14 },
    (_, t) => 100 + 40 * Math.sin((2 * Math.PI * t) / 24) + 3 * Math.sin(t * 12.9898),
  );

describe('sensitivity', () => {
  it('maps to robust-σ thresholds, higher sensitivity flagging more', () => {
    expect(thresholdFor(0.95)).toBeCloseTo(3.42, 2);
    expect(thresholdFor(0.5)).toBeCloseTo(4.42, 2);
    expect(thresholdFor(0.99)).toBeLessThan(thresholdFor(0.95));
  });
});

describe('batch detection', () => {
  it('flags exactly the injected spike and drop, with direction and expected value', () => {
    const y = hourly();
    const spikeAt = 200;
    const dropAt = 250;
    const normal = { spike: y[spikeAt]!, drop: y[dropAt]! };
    y[spikeAt] = normal.spike + 60;
    y[dropAt] = normal.drop * 0.4;
    const { anomalies } = detectAnomalies(y, { period: 24, sensitivity: 0.95 });
    expect(anomalies.map((a) => [a.index, a.direction])).toEqual([
      [spikeAt, 'spike'],
      [dropAt, 'drop'],
    ]);
    expect(Math.abs(anomalies[0]!.expected - normal.spike)).toBeLessThan(5);
    expect(anomalies[0]!.score).toBeGreaterThan(0.5);
  });

  it('flags the start of a level shift', () => {
    const y = hourly().map((v, t) => (t >= 300 ? v - 60 : v));
    const { anomalies } = detectAnomalies(y, { period: 24, sensitivity: 0.95 });
    expect(anomalies[0]!.index).toBe(300);
    expect(anomalies.every((a) => a.direction === 'drop')).toBe(true);
  });

  it('on a flat series flags only the one change; missing buckets are never reported', () => {
    const y: number[] = new Array(48).fill(5);
    y[30] = 6;
    y[10] = NaN;
    const { anomalies } = detectAnomalies(y, { period: 24, sensitivity: 0.95 });
    expect(anomalies.map((a) => a.index)).toEqual([30]);
  });

  it('rejects fewer than 8 known points', () => {
    expect(() => detectAnomalies([1, 2, 3], { period: 1, sensitivity: 0.9 })).toThrow(InsufficientDataError);
  });
});

describe('causal detection', () => {
  it('scores each point from the past only: the spike is flagged, the warm-up is not', () => {
    const y = hourly();
    y[200] = y[200]! + 60;
    const found = detectAnomaliesCausal(y, { period: 24, sensitivity: 0.95 });
    expect(found.map((a) => a.index)).toEqual([200]);
    // Causality: the verdict on point 200 does not change with what comes after it.
    const cut = detectAnomaliesCausal(y.slice(0, 201), { period: 24, sensitivity: 0.95 });
    expect(cut.at(-1)).toEqual(found[0]);
  });

  it('flags the start of a level drop once with a cooldown, never the warm-up', () => {
    const y = hourly().map((v, t) => (t >= 250 ? v - 50 : v));
    const found = detectAnomaliesCausal(y, { period: 24, sensitivity: 0.95, cooldown: 24 });
    expect(found[0]).toMatchObject({ index: 250, direction: 'drop' });
    expect(Math.abs(found[0]!.expected - hourly()[250]!)).toBeLessThan(10);
    expect(found.filter((a) => a.index > 250 && a.index <= 274)).toEqual([]);
    expect(found.every((a) => a.index >= 48)).toBe(true);
  });
});
