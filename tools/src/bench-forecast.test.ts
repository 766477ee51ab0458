import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectAnomaliesCausal, forecast, mase, seasonalNaive } from '@broxiva/insights-domain';
import { describe, expect, it } from 'vitest';
import {
  DATASETS,
  peytonHolidays,
  prophetCutoffs,
  prophetCv,
  prophetMetricsFirstRow,
  readM4,
  readPeyton,
  rollingMeanFirstRow,
} from './bench-forecast.js';

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

describe("Prophet's diagnostics, reimplemented", () => {
  it('rolling_mean_by_h: first row is the smallest horizon reaching w, the lowest group cut to fit', () => {
    const groups = [
      { h: 1, mean: 1, count: 2 },
      { h: 2, mean: 3, count: 2 },
      { h: 3, mean: 5, count: 2 },
    ];
    // w = 3: horizon 2 holds 4 ≥ 3; its 2 points plus 1 of horizon 1's: (3·2 + 1·1) / 3.
    expect(rollingMeanFirstRow(groups, 3)).toEqual({ h: 2, value: 7 / 3 });
    expect(rollingMeanFirstRow(groups, 2)).toEqual({ h: 1, value: 1 });
    expect(rollingMeanFirstRow(groups, 7)).toBeUndefined();
  });

  it('performance_metrics: RMSE is the root of the rolled MSE, coverage the rolled hit rate', () => {
    const preds = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5].map((h, k) => {
      const yhat = 10 + (k % 2 === 0 ? h : -h);
      return { h, y: 10, yhat, lo: yhat - 1.5, hi: yhat + 1.5 };
    });
    // 10 predictions, rolling_window 0.3 → w = 3: horizon 2, squared errors 4, 4 and one 1.
    const m = prophetMetricsFirstRow(preds, 0.3);
    expect(m.horizonDays).toBe(2);
    expect(m.rmse).toBeCloseTo(Math.sqrt(3), 12);
    expect(m.coverage).toBeCloseTo(1 / 3, 12);
    expect(m.mape).toBeCloseTo((0.2 + 0.2 + 0.1) / 3, 12);
  });

  it('generate_cutoffs on Peyton Manning: the 11 cutoffs of the docs, 2010-02-15 to 2015-01-20', () => {
    const { start, values } = readPeyton();
    const cutoffs = prophetCutoffs(values.length, 730, 180, 365);
    const date = (i: number) => new Date((start + i) * 86_400_000).toISOString().slice(0, 10);
    expect(cutoffs).toHaveLength(11);
    expect(date(cutoffs[0]!)).toBe('2010-02-15');
    expect(date(cutoffs[10]!)).toBe('2015-01-20');
  });

  it('Peyton Manning, Prophet CV: 37-day RMSE ≤ 0.55 with the docs’ holidays, < 0.70 without; coverage 0.75–0.85', () => {
    const { start, values } = readPeyton();
    const protocol = { initial: 730, period: 180, horizon: 365, level: 0.8 };
    const plain = prophetCv(values, protocol);
    const holidays = prophetCv(values, { ...protocol, holidays: peytonHolidays(start) });
    expect(plain.horizonDays).toBe(37);
    expect(plain.rmse).toBeLessThan(0.7);
    expect(holidays.rmse).toBeLessThanOrEqual(0.55);
    for (const r of [plain, holidays]) {
      expect(r.coverage).toBeGreaterThanOrEqual(0.75);
      expect(r.coverage).toBeLessThanOrEqual(0.85);
    }
  });
});
