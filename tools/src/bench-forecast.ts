/**
 * Forecast accuracy and speed benchmark on ../shared/datasets, printed as JSON:
 *   npx tsx tools/src/bench-forecast.ts [--m4-limit N] [--skip-peyton] [--skip-m4]
 * M4 (Hourly h=48 / seasonality 24, Weekly h=13 / seasonality 1, M4's own MASE and sMAPE) for our
 * forecaster beside seasonal naive and naive on the same files; Peyton Manning with Prophet's
 * cross-validation protocol (initial 730 d, period 180 d, horizon 365 d; performance_metrics' first
 * row with rolling_window 0.1, which is the 37-day figure the docs quote), without and with the
 * docs' playoff/Super Bowl holidays; speed of whole forecast() calls on 3,000-point series.
 */
import { readFileSync } from 'node:fs';
import { DATASETS } from './datasets.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  forecast,
  mase,
  seasonalNaive,
  smape,
  type ForecastOptions,
  type Granularity,
  type Holiday,
} from '@broxiva/insights-domain';

export { DATASETS };

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

/**
 * The holidays of Prophet's Peyton Manning example ("Seasonality, Holiday Effects, And Regressors"):
 * his playoff games and the Super Bowls he played, each covering the game day and the day after
 * (lower_window 0, upper_window 1). Super Bowls are in both lists, as in the docs, so their effect
 * adds to the playoff one.
 */
export const PEYTON_PLAYOFFS = [
  '2008-01-13',
  '2009-01-03',
  '2010-01-16',
  '2010-01-24',
  '2010-02-07',
  '2011-01-08',
  '2013-01-12',
  '2014-01-12',
  '2014-01-19',
  '2014-02-02',
  '2015-01-11',
  '2016-01-17',
  '2016-01-24',
  '2016-02-07',
];
export const PEYTON_SUPERBOWLS = ['2010-02-07', '2014-02-02', '2016-02-07'];

/** The example's holidays as bucket indices of a day grid starting on day `start` (days since epoch). */
export function peytonHolidays(start: number): Holiday[] {
  const index = (ds: string) => Date.parse(`${ds}T00:00:00Z`) / 86_400_000 - start;
  return [
    { name: 'playoff', indices: PEYTON_PLAYOFFS.map(index), after: 1 },
    { name: 'superbowl', indices: PEYTON_SUPERBOWLS.map(index), after: 1 },
  ];
}

export interface ProphetCvResult {
  readonly cutoffs: number;
  /** Horizon (days) of performance_metrics' first row, the one the Prophet docs quote. */
  readonly horizonDays: number;
  readonly rmse: number;
  readonly mape: number;
  readonly coverage: number;
  readonly fitMs: number;
}

/** One cross-validation prediction: horizon in days from the cutoff, actual, point and interval. */
export interface CvPrediction {
  readonly h: number;
  readonly y: number;
  readonly yhat: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Prophet's `rolling_mean_by_h` (python/prophet/diagnostics.py), first row only: predictions are
 * grouped by horizon and averaged within each group; the first output row is the smallest horizon H
 * whose groups 1..H hold at least `w` predictions, and its value is group H's mean blended with the
 * means of the groups below it, newest first, each taken whole while the count stays under `w` and
 * the last one only for the points that bring the count to exactly `w` (weighted by its mean).
 */
export function rollingMeanFirstRow(
  groups: readonly { h: number; mean: number; count: number }[],
  w: number,
): { h: number; value: number } | undefined {
  let total = 0;
  for (let i = 0; i < groups.length; i++) {
    total += groups[i]!.count;
    if (total < w) continue;
    let n = groups[i]!.count;
    let xbar = groups[i]!.mean;
    for (let j = i - 1; n < w && j >= 0; j--) {
      const n2 = Math.min(w - n, groups[j]!.count);
      xbar = xbar * (n / (n + n2)) + groups[j]!.mean * (n2 / (n + n2));
      n += n2;
    }
    return { h: groups[i]!.h, value: xbar };
  }
  return undefined;
}

/**
 * Prophet's `performance_metrics(df_cv)` with its default `rolling_window=0.1`, first row:
 * w = ⌊0.1 · predictions⌋ (at least 1), each metric's per-prediction value (squared error, absolute
 * percentage error, inside-the-interval indicator) passed through `rollingMeanFirstRow`; RMSE is the
 * square root of the rolled MSE, as Prophet's `rmse`.
 */
export function prophetMetricsFirstRow(
  preds: readonly CvPrediction[],
  rollingWindow = 0.1,
): { horizonDays: number; rmse: number; mape: number; coverage: number } {
  const w = Math.min(preds.length, Math.max(1, Math.floor(rollingWindow * preds.length)));
  const byH = new Map<number, CvPrediction[]>();
  for (const p of preds) byH.set(p.h, [...(byH.get(p.h) ?? []), p]);
  const hs = [...byH.keys()].sort((a, b) => a - b);
  const roll = (f: (p: CvPrediction) => number) =>
    rollingMeanFirstRow(
      hs.map((h) => {
        const g = byH.get(h)!;
        return { h, mean: g.reduce((s, p) => s + f(p), 0) / g.length, count: g.length };
      }),
      w,
    )!;
  const mse = roll((p) => (p.y - p.yhat) ** 2);
  return {
    horizonDays: mse.h,
    rmse: Math.sqrt(mse.value),
    mape: roll((p) => Math.abs((p.y - p.yhat) / p.y)).value,
    coverage: roll((p) => (p.y >= p.lo && p.y <= p.hi ? 1 : 0)).value,
  };
}

/**
 * Prophet's `generate_cutoffs` on a gap-free day grid indexed from the first day: the last cutoff is
 * (last day − horizon), then every `period` days earlier while the previous one is ≥ initial; returned
 * oldest first. (Prophet's shift for a horizon with no data at all never triggers on these series.)
 */
export function prophetCutoffs(n: number, initial: number, period: number, horizon: number): number[] {
  const out: number[] = [];
  for (let c = n - 1 - horizon; c >= initial; c -= period) out.push(c);
  if (out.length === 0) throw new Error('less data than horizon after initial window');
  return out.reverse();
}

export type Forecaster = (
  history: readonly number[],
  horizon: number,
) => { mean: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> };

/**
 * Prophet's cross_validation + performance_metrics (first row): each cutoff's model is fitted on the
 * days up to and including the cutoff and predicts the next `horizon` days; days missing from the data
 * are not scored, as Prophet predicts only rows present in its dataframe.
 */
export function prophetCv(
  values: readonly number[],
  opts: { initial: number; period: number; horizon: number; level: number } & Partial<ForecastOptions>,
  forecaster?: Forecaster,
): ProphetCvResult {
  const { initial, period, horizon, level, ...rest } = opts;
  const run: Forecaster =
    forecaster ?? ((history, hz) => forecast(history, { granularity: 'day', level, ...rest, horizon: hz }));
  const cutoffs = prophetCutoffs(values.length, initial, period, horizon);
  const preds: CvPrediction[] = [];
  let fitMs = 0;
  for (const c of cutoffs) {
    const t0 = performance.now();
    const f = run(values.slice(0, c + 1), horizon);
    fitMs += performance.now() - t0;
    for (let h = 1; h <= horizon && c + h < values.length; h++) {
      const y = values[c + h]!;
      if (!Number.isFinite(y)) continue;
      preds.push({ h, y, yhat: f.mean[h - 1]!, lo: f.lower[h - 1]!, hi: f.upper[h - 1]! });
    }
  }
  const m = prophetMetricsFirstRow(preds);
  return {
    cutoffs: cutoffs.length,
    horizonDays: m.horizonDays,
    rmse: round(m.rmse),
    mape: round(m.mape),
    coverage: round(m.coverage),
    fitMs: round(fitMs / cutoffs.length),
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

/** A 3,000-point hourly series (trend, daily and weekly cycles, uniform noise) from a fixed seed. */
export function syntheticHourly(length = 3000, seed = 42): number[] {
  let state = seed;
  const rnd = () => {
    state = (state * 1_664_525 + 1_013_904_223) % 4_294_967_296;
    return state / 4_294_967_296;
  };
  return Array.from(
    { length },
    (_, i) =>
      100 +
      0.01 * i +
      20 * Math.sin((2 * Math.PI * i) / 24) +
      8 * Math.sin((2 * Math.PI * i) / 168) +
      5 * (rnd() - 0.5),
  );
}

/**
 * Time of whole `forecast` calls (backtest selection included), p50 and p95 over `runs`: wall time,
 * and this process's CPU time (user + system), which a machine shared with other work inflates less.
 */
export function timeForecast(
  values: readonly number[],
  o: ForecastOptions,
  runs = 30,
): { points: number; p50: number; p95: number; cpuP50: number; cpuP95: number } {
  for (let i = 0; i < 3; i++) forecast(values, o);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    forecast(values, o);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const pick = (t: number[], q: number) => round([...t].sort((a, b) => a - b)[Math.floor(q * (runs - 1))]!);
  return {
    points: values.length,
    p50: pick(wall, 0.5),
    p95: pick(wall, 0.95),
    cpuP50: pick(cpu, 0.5),
    cpuP95: pick(cpu, 0.95),
  };
}

const PEYTON_PROTOCOL = { initial: 730, period: 180, horizon: 365, level: 0.8 } as const;

function peytonEntry(r: ProphetCvResult) {
  return {
    rmse_h37: r.rmse,
    mape_h37: r.mape,
    coverage80: r.coverage,
    horizon_days: r.horizonDays,
    cutoffs: r.cutoffs,
    fit_ms_mean: r.fitMs,
  };
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const limit = Number(arg('--m4-limit') ?? Infinity);
  const out: Record<string, unknown> = {};
  if (!argv.includes('--skip-m4')) {
    out['m4'] = {
      hourly: {
        ...benchM4('Hourly', limit),
        published: {
          seasonalNaiveMase: 1.19,
          prophetMase: 1.78,
          autoArimaMase: 0.92,
          seasonalNaiveSmape: 13.9,
        },
      },
      weekly: {
        ...benchM4('Weekly', limit),
        published: { naiveSmape: 9.16, prophetMase: 7.29, autoArimaMase: 2.34 },
      },
    };
  }
  if (!argv.includes('--skip-peyton')) {
    const { start, values } = readPeyton();
    out['peyton'] = {
      protocol:
        "Prophet cross_validation(initial='730 days', period='180 days', horizon='365 days'), " +
        'performance_metrics(rolling_window=0.1) first row',
      without_holidays: peytonEntry(prophetCv(values, PEYTON_PROTOCOL)),
      with_holidays: peytonEntry(prophetCv(values, { ...PEYTON_PROTOCOL, holidays: peytonHolidays(start) })),
      published: {
        prophetRmse: 0.7,
        prophetTunedRmse: 0.516,
        prophetMape: 0.058,
        prophetCoverage: 0.68,
      },
    };
  }
  const { values } = readPeyton();
  out['speed'] = {
    forecast_3000_ms: {
      hourly: timeForecast(syntheticHourly(), { granularity: 'hour', horizon: 48, level: 0.8 }),
      daily: timeForecast(values.slice(-3000), { granularity: 'day', horizon: 30, level: 0.8 }),
    },
    note: 'whole forecast() calls incl. backtest selection; 2 shared cores, timings noisy',
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
