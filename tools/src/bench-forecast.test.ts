import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectAnomaliesCausal, forecast, mase, seasonalNaive } from '@broxiva/insights-domain';
import { describe, expect, it } from 'vitest';
import { DATASETS, readM4 } from './bench-forecast.js';

const train = readM4(join(DATASETS, 'm4/Hourly-train-dev.csv'));
const test = readM4(join(DATASETS, 'm4/Hourly-test-dev.csv'));

describe('M4 hourly, published data', () => {
  it('seasonal naive MASE on H1 is the hand-checked 0.82701', () => {
    const y = train.get('H1')!;
    expect(y).toHaveLength(700);
    expect(mase(y, test.get('H1')!, seasonalNaive(y, 48, 24), 24)).toBeCloseTo(0.8270141628553805, 12);
  });

  // Named series where the backtest's choice wins; the whole-file averages are the benchmark's job.
  it.each(['H1', 'H13', 'H23'])('our forecaster beats seasonal naive on %s', (id) => {
    const y = train.get(id)!;
    const actual = test.get(id)!;
    const ours = forecast(y, { granularity: 'hour', horizon: 48, level: 0.95 });
    expect(mase(y, actual, ours.mean, 24)).toBeLessThan(mase(y, actual, seasonalNaive(y, 48, 24), 24));
  });
});

describe('NAB, published data', () => {
  it('causal detection flags the labelled anomaly window of art_daily_jumpsup, its strongest alert inside', () => {
    const rows = readFileSync(join(DATASETS, 'nab/data/artificialWithAnomaly/art_daily_jumpsup.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const times = rows.map((r) => Date.parse(`${r[0]!.replace(' ', 'T')}Z`));
    const values = rows.map((r) => Number(r[1]));
    const windows = JSON.parse(
      readFileSync(join(DATASETS, 'nab/labels/combined_windows.json'), 'utf8'),
    ) as Record<string, string[][]>;
    const [from, to] = windows['artificialWithAnomaly/art_daily_jumpsup.csv']![0]!.map((s) =>
      Date.parse(`${s.replace(' ', 'T').slice(0, 19)}Z`),
    );
    // 5-minute buckets: one day is 288.
    const found = detectAnomaliesCausal(values, { period: 288, sensitivity: 0.95 });
    const inWindow = found.filter((a) => times[a.index]! >= from! && times[a.index]! <= to!);
    expect(inWindow.length).toBeGreaterThan(0);
    const strongest = found.reduce((a, b) => (Math.abs(b.z) > Math.abs(a.z) ? b : a));
    expect(times[strongest.index]! >= from! && times[strongest.index]! <= to!).toBe(true);
  });
});
