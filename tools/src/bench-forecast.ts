/**
 * Forecast accuracy and speed benchmark on ../shared/datasets, printed as JSON:
 *   npx tsx tools/src/bench-forecast.ts [--m4-limit N] [--skip-peyton] [--skip-m4]
 * M4 (Hourly h=48 / seasonality 24, Weekly h=13 / seasonality 1, M4's own MASE and sMAPE) for our
 * forecaster beside seasonal naive and naive on the same files; Peyton Manning with Prophet's
 * cross-validation protocol (initial 730 d, period 180 d, horizon 365 d, rolling window 10 %).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  forecast,
  mase,
  seasonalNaive,
  smape,
  type ForecastOptions,
  type Granularity,
} from '@broxiva/insights-domain';

export const DATASETS = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets');

/** M4 files: one series a row, `V1` the id, values then empty cells. */
export function readM4(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(file, 'utf8').split('\n').slice(1);
  for (const line of lines) {
    if (line.trim() === '') continue;
    const cells = line
      .trim()
      .split(',')
      .map((c) => c.replace(/"/g, ''));
    out.set(
      cells[0]!,
      cells
        .slice(1)
        .filter((c) => c !== '')
        .map(Number),
    );
  }
  return out;
}

export interface M4Scores {
  readonly series: number;
  readonly ours: { mase: number; smape: number };
  readonly seasonalNaive: { mase: number; smape: number };
  readonly naive: { mase: number; smape: number };
  readonly models: Record<string, number>;
  readonly fitMs: { mean: number; p95: number; max: number };
}

export function benchM4(
  kind: 'Hourly' | 'Weekly',
  limit = Infinity,
  forecastOptions: Partial<ForecastOptions> = {},
): M4Scores {
  const train = readM4(join(DATASETS, `m4/${kind}-train-dev.csv`));
  const test = readM4(join(DATASETS, `m4/${kind}-test-dev.csv`));
  const h = kind === 'Hourly' ? 48 : 13;
  const m = kind === 'Hourly' ? 24 : 1;
  const granularity: Granularity = kind === 'Hourly' ? 'hour' : 'week';
  const acc = { ours: [0, 0], snaive: [0, 0], naive: [0, 0] };
  const models: Record<string, number> = {};
  const times: number[] = [];
  let count = 0;
  for (const [id, y] of train) {
    if (count >= limit) break;
    const actual = test.get(id)!.slice(0, h);
    const t0 = performance.now();
    const f = forecast(y, { granularity, horizon: h, level: 0.95, ...forecastOptions });
    times.push(performance.now() - t0);
    models[f.model] = (models[f.model] ?? 0) + 1;
    const sn = seasonalNaive(y, h, m);
    const nv = seasonalNaive(y, h, 1);
    for (const [key, pred] of [
      ['ours', f.mean],
      ['snaive', sn],
      ['naive', nv],
    ] as const) {
      acc[key][0]! += mase(y, actual, pred, m);
      acc[key][1]! += smape(actual, pred);
    }
    count++;
  }
  times.sort((a, b) => a - b);
  const avg = (v: number[]) => ({ mase: round(v[0]! / count), smape: round(v[1]! / count) });
  return {
    series: count,
    ours: avg(acc.ours),
    seasonalNaive: avg(acc.snaive),
    naive: avg(acc.naive),
    models,
    fitMs: {
      mean: round(times.reduce((a, b) => a + b, 0) / count),
      p95: round(times[Math.floor(0.95 * (times.length - 1))]!),
      max: round(times[times.length - 1]!),
    },
  };
}

/** Peyton Manning's daily log page views on a gap-free day grid (missing days NaN). */
export function readPeyton(): { start: number; values: number[] } {
  const rows = readFileSync(join(DATASETS, 'prophet/example_wp_log_peyton_manning.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [ds, y] = l.replace(/"/g, '').split(',');
      return { day: Date.parse(`${ds}T00:00:00Z`) / 86_400_000, y: Number(y) };
    });
  const start = rows[0]!.day;
  const values = new Array<number>(rows[rows.length - 1]!.day - start + 1).fill(NaN);
  for (const r of rows) values[r.day - start] = r.y;
  return { start, values };
}

export interface ProphetCvResult {
  readonly cutoffs: number;
  readonly horizonDays: number;
  readonly rmse: number;
  readonly mape: number;
  readonly coverage: number;
  readonly fitMs: number;
}

/**
 * Prophet's cross_validation + performance_metrics(rolling_window=0.1), first row: cutoffs every
 * `period` days back from (end − horizon) while ≥ start + initial; metrics over the smallest horizons
 * holding 10 % of all predictions.
 */
export function prophetCv(
  values: readonly number[],
  opts: { initial: number; period: number; horizon: number; level: number } & Partial<ForecastOptions>,
): ProphetCvResult {
  const n = values.length;
  const cutoffs: number[] = [];
  for (let c = n - 1 - opts.horizon; c >= opts.initial; c -= opts.period) cutoffs.push(c);
  const preds: { h: number; y: number; yhat: number; lo: number; hi: number }[] = [];
  let fitMs = 0;
  for (const c of cutoffs) {
    const t0 = performance.now();
    const f = forecast(values.slice(0, c + 1), { granularity: 'day', ...opts, horizon: opts.horizon });
    fitMs += performance.now() - t0;
    for (let h = 1; h <= opts.horizon; h++) {
      const y = values[c + h]!;
      if (!Number.isFinite(y)) continue;
      preds.push({ h, y, yhat: f.mean[h - 1]!, lo: f.lower[h - 1]!, hi: f.upper[h - 1]! });
    }
  }
  preds.sort((a, b) => a.h - b.h);
  const w = Math.floor(0.1 * preds.length);
  let k = 0;
  while (k < w) k++;
  // Include the whole group of the horizon where the window fills, as Prophet's rolling_mean_by_h.
  const hMax = preds[k - 1]!.h;
  const win = preds.filter((p) => p.h <= hMax);
  const rmse = Math.sqrt(win.reduce((s, p) => s + (p.y - p.yhat) ** 2, 0) / win.length);
  const mapeV = win.reduce((s, p) => s + Math.abs((p.y - p.yhat) / p.y), 0) / win.length;
  const cov = win.filter((p) => p.y >= p.lo && p.y <= p.hi).length / win.length;
  return {
    cutoffs: cutoffs.length,
    horizonDays: hMax,
    rmse: round(rmse),
    mape: round(mapeV),
    coverage: round(cov),
    fitMs: round(fitMs / cutoffs.length),
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const limit = Number(arg('--m4-limit') ?? Infinity);
  const out: Record<string, unknown> = {};
  if (!argv.includes('--skip-m4')) {
    out['m4Hourly'] = {
      ...benchM4('Hourly', limit),
      published: {
        seasonalNaiveMase: 1.19,
        prophetMase: 1.78,
        autoArimaMase: 0.92,
        seasonalNaiveSmape: 13.9,
      },
    };
    out['m4Weekly'] = {
      ...benchM4('Weekly', limit),
      published: { naiveSmape: 9.16, prophetMase: 7.29, autoArimaMase: 2.34 },
    };
  }
  if (!argv.includes('--skip-peyton')) {
    const { values } = readPeyton();
    out['peytonManning'] = {
      ...prophetCv(values, { initial: 730, period: 180, horizon: 365, level: 0.8 }),
      published: { prophetRmse: 0.7, prophetTunedRmse: 0.516, prophetMape: 0.058, prophetCoverage: 0.68 },
    };
  }
  const { values } = readPeyton();
  const y3000 = values.slice(-3000);
  const t0 = performance.now();
  const runs = 10;
  for (let i = 0; i < runs; i++) forecast(y3000, { granularity: 'day', horizon: 30, level: 0.8 });
  out['speed'] = { forecast3000PointsMs: round((performance.now() - t0) / runs), points: y3000.length };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
