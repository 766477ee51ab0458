export { coverage, mape, mase, naiveScale, rmse, smape } from './accuracy.js';
export {
  fitDecomposable,
  type DecomposableFit,
  type DecomposableOptions,
  type Holiday,
} from './decomposable.js';
export { InsufficientDataError } from './errors.js';
export { fillMissing } from './fill-missing.js';
export {
  forecast,
  MIN_FORECAST_POINTS,
  type Accuracy,
  type ForecastOptions,
  type ForecastResult,
  type ModelName,
} from './forecast.js';
export {
  HOURS_PER_BUCKET,
  primaryPeriod,
  seasonalitiesFor,
  type Granularity,
  type Seasonality,
} from './granularity.js';
export { seasonalNaive } from './seasonal-naive.js';
export { median, normalQuantile, quantile, robustScale } from './stats.js';
export { fitTheta, isSeasonal } from './theta.js';
export {
  detectAnomalies,
  detectAnomaliesCausal,
  MIN_ANOMALY_POINTS,
  thresholdFor,
  type AnomalyOptions,
  type AnomalyPoint,
  type CausalOptions,
  type Direction,
} from './anomaly.js';
export {
  detectPeriod,
  scoreStream,
  STREAM_DEFAULTS,
  type StreamOptions,
  type StreamScores,
} from './anomaly-stream.js';
export {
  attributeDeviation,
  describeDeviation,
  type AttributionOptions,
  type Contribution,
  type DimensionObservation,
  type SegmentObservation,
} from './attribution.js';
export { analyzeTrend, mannKendall, MIN_TREND_POINTS, theilSen, type TrendResult } from './trends.js';
export { prepareDecomposable, type PreparedDesign } from './decomposable.js';
