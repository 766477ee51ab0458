import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  AccuracySchema,
  AnomalyDirection,
  AnomalySchema,
  AnomalyMode,
  DetectAnomaliesResponseSchema,
  ForecastResponseSchema,
  GetTrendsResponseSchema,
  PointSchema,
  type InsightsService,
} from '@broxiva/contracts';
import {
  analyzeTrend,
  describeDeviation,
  detectAnomalies,
  detectAnomaliesCausal,
  forecast,
  HOURS_PER_BUCKET,
  InsufficientDataError,
  primaryPeriod,
  type AnomalyPoint,
  type Contribution,
  type Granularity,
} from '@broxiva/insights-domain';
import { ValidationError } from '@broxiva/rpc';
import { addBuckets } from '../buckets.js';
import type { BreakdownLoader, LoadedSeries, SeriesLoader } from '../adapters/metrics-series.js';
import { explainBucket } from './anomaly-contributors.js';
import { fromProtoGranularity, inlineToGrid, loadStored, MAX_POINTS } from './series-input.js';

export interface InsightsServiceDeps {
  readonly loadSeries: SeriesLoader;
  /** Stored-metric breakdowns that explain anomalies by dimension; without it anomalies have no contributors. */
  readonly loadBreakdown?: BreakdownLoader;
  readonly now: () => Date;
  readonly settings: {
    readonly forecasting: boolean;
    readonly anomalyDetection: boolean;
    readonly horizonDays: number;
    readonly sensitivity: number;
  };
}

/** History a stored-metric forecast learns from, per granularity (two yearly cycles for day and coarser). */
const FORECAST_HISTORY: Record<Granularity, number> = { hour: 24 * 7 * 8, day: 730, week: 156, month: 60 };
/** Context before an anomaly window, so the cycle and noise level are known: four cycles. */
const ANOMALY_CONTEXT: Record<Granularity, number> = { hour: 24 * 4, day: 28, week: 26, month: 24 };
/** Anomalies of one request explained by dimension (the highest scores), to bound the breakdown queries. */
const MAX_EXPLAINED = 5;

function invalid(field: string, rule: string, description: string): ValidationError {
  return new ValidationError([{ field, rule, description }]);
}

/** Domain "too little data" becomes InvalidArgument naming the rule on the source field. */
function asValidation<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof InsufficientDataError)
      throw new ValidationError([{ field, rule: e.rule, description: e.message }], { cause: e });
    throw e;
  }
}

function points(s: LoadedSeries, g: Granularity, from = 0) {
  const out = [];
  for (let k = from; k < s.values.length; k++) {
    const v = s.values[k]!;
    if (Number.isFinite(v))
      out.push(create(PointSchema, { time: timestampFromDate(addBuckets(s.start, g, k)), value: v }));
  }
  return out;
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

export function insightsService(deps: InsightsServiceDeps): Partial<ServiceImpl<typeof InsightsService>> {
  const { settings } = deps;
  return {
    async forecast(req) {
      if (!settings.forecasting)
        throw new ConnectError('forecasting is disabled (ENABLE_FORECASTING=false)', Code.FailedPrecondition);
      const level = req.intervalLevel === 0 ? 0.8 : req.intervalLevel;
      if (!(level > 0 && level < 1))
        throw invalid('interval_level', 'range', 'must be greater than 0 and less than 1');
      const requested = fromProtoGranularity(req.granularity);
      let series: LoadedSeries;
      let g: Granularity;
      let field: string;
      if (req.source.case === 'series') {
        ({ granularity: g, ...series } = inlineToGrid(req.source.value, requested));
        field = 'series.points';
      } else if (req.source.case === 'metric') {
        g = requested ?? 'day';
        series = await loadStored(deps.loadSeries, req.source.value, g, FORECAST_HISTORY[g], deps.now());
        field = 'metric';
      } else throw invalid('source', 'required', 'a stored metric or an inline series is required');
      const horizon =
        req.horizon === 0
          ? Math.max(1, Math.ceil((settings.horizonDays * 24) / HOURS_PER_BUCKET[g]))
          : req.horizon;
      if (horizon < 1 || horizon > MAX_POINTS)
        throw invalid('horizon', 'range', `must be between 1 and ${MAX_POINTS}`);
      const f = asValidation(field, () => forecast(series.values, { granularity: g, horizon, level }));
      const n = series.values.length;
      return create(ForecastResponseSchema, {
        history: points(series, g),
        forecast: Array.from(f.mean, (value, h) => ({
          time: timestampFromDate(addBuckets(series.start, g, n + h)),
          value,
          lower: f.lower[h]!,
          upper: f.upper[h]!,
        })),
        model: f.model,
        accuracy: create(AccuracySchema, {
          mase: finite(f.accuracy.mase),
          smape: finite(f.accuracy.smape),
          intervalCoverage: finite(f.accuracy.coverage),
          backtestFolds: f.accuracy.folds,
        }),
        intervalLevel: level,
      });
    },

    async detectAnomalies(req) {
      if (!settings.anomalyDetection) {
        throw new ConnectError(
          'anomaly detection is disabled (ENABLE_ANOMALY_DETECTION=false)',
          Code.FailedPrecondition,
        );
      }
      const sensitivity = req.sensitivity === 0 ? settings.sensitivity : req.sensitivity;
      if (!(sensitivity > 0 && sensitivity < 1))
        throw invalid('sensitivity', 'range', 'must be greater than 0 and less than 1');
      const requested = fromProtoGranularity(req.granularity);
      let series: LoadedSeries;
      let g: Granularity;
      let from = 0;
      let field: string;
      if (req.source.case === 'series') {
        ({ granularity: g, ...series } = inlineToGrid(req.source.value, requested));
        field = 'series.points';
      } else if (req.source.case === 'metric') {
        g = requested ?? 'hour';
        const lookbackHours = req.lookbackHours === 0 ? 24 : req.lookbackHours;
        if (lookbackHours < 0) throw invalid('lookback_hours', 'range', 'must be positive');
        const window = Math.max(1, Math.ceil(lookbackHours / HOURS_PER_BUCKET[g]));
        if (window > MAX_POINTS)
          throw invalid('lookback_hours', 'range', `covers more than ${MAX_POINTS} buckets`);
        series = await loadStored(
          deps.loadSeries,
          req.source.value,
          g,
          window + ANOMALY_CONTEXT[g],
          deps.now(),
        );
        from = series.values.length - window;
        field = 'metric';
      } else throw invalid('source', 'required', 'a stored metric or an inline series is required');
      const period = primaryPeriod(g, series.values.length);
      const causal = req.mode === AnomalyMode.CAUSAL;
      const found = asValidation(field, () =>
        causal
          ? detectAnomaliesCausal(series.values, { period, sensitivity })
          : detectAnomalies(series.values, { period, sensitivity }).anomalies,
      );
      const name = req.source.case === 'metric' ? req.source.value.metric : 'value';
      const reported = found.filter((a) => a.index >= from);
      const contributors = new Map<number, Contribution[]>();
      if (req.source.case === 'metric' && deps.loadBreakdown !== undefined) {
        const stored = req.source.value;
        const explained = [...reported].sort((a, b) => b.score - a.score).slice(0, MAX_EXPLAINED);
        for (const a of explained) {
          contributors.set(
            a.index,
            await explainBucket(deps.loadBreakdown, {
              metric: stored.metric,
              filters: stored.filters,
              granularity: g,
              period,
              bucket: addBuckets(series.start, g, a.index),
            }),
          );
        }
      }
      return create(DetectAnomaliesResponseSchema, {
        series: points(series, g, from),
        method: causal ? 'causal-robust-stream' : 'robust-seasonal-decomposition',
        anomalies: reported.map((a) =>
          anomalyMessage(name, series.start, g, a, contributors.get(a.index) ?? []),
        ),
      });
    },

    async getTrends(req) {
      if (req.metric === '') throw invalid('metric', 'required', 'is required');
      if (req.startDate === undefined || req.endDate === undefined) {
        throw invalid(req.startDate === undefined ? 'start_date' : 'end_date', 'required', 'is required');
      }
      const g = fromProtoGranularity(req.granularity) ?? 'day';
      const start = timestampDate(req.startDate);
      const end = timestampDate(req.endDate);
      const span = (end.getTime() - start.getTime()) / 3_600_000 / HOURS_PER_BUCKET[g];
      if (!(span > 0)) throw invalid('end_date', 'after_start', 'must be after start_date');
      if (span > 5_000) throw invalid('end_date', 'max_buckets', 'the range may hold at most 5000 buckets');
      const series = await deps.loadSeries({
        metric: req.metric,
        filters: req.filters,
        granularity: g,
        start,
        end,
      });
      const t = asValidation('start_date', () => analyzeTrend(series.values, g));
      return create(GetTrendsResponseSchema, {
        metric: req.metric,
        series: points(series, g),
        trend: Array.from(t.trend, (value, k) => ({
          time: timestampFromDate(addBuckets(series.start, g, k)),
          value,
        })),
        direction: t.direction,
        slope: t.slope,
        changePercent: finite(t.changePercent),
        changepoints: t.changepoints.map((c) => ({
          time: timestampFromDate(addBuckets(series.start, g, c.index)),
          slopeChange: c.slopeChange,
        })),
        seasonalityStrength: t.seasonalityStrength,
      });
    },
  };
}

/** The contract's Anomaly for a detected point at `start` + index buckets. */
export function anomalyMessage(
  name: string,
  start: Date,
  g: Granularity,
  a: AnomalyPoint,
  contributors: readonly Contribution[],
) {
  return create(AnomalySchema, {
    time: timestampFromDate(addBuckets(start, g, a.index)),
    value: a.value,
    expected: a.expected,
    lower: a.lower,
    upper: a.upper,
    score: a.score,
    direction: a.direction === 'spike' ? AnomalyDirection.SPIKE : AnomalyDirection.DROP,
    explanation: describeDeviation(name, a.value, a.expected, contributors[0]),
    contributors: contributors.map((c) => ({
      dimension: c.dimension,
      value: c.value,
      share: c.share,
      actual: c.actual,
      expected: c.expected,
    })),
  });
}
