export {
  buildCohorts,
  cohortsFromCells,
  type CohortCell,
  type CohortMetric,
  type CohortOptions,
  type CohortRow,
  type CohortUser,
  type PeriodActivity,
} from './cohorts.js';
export { engagementScore, type Engagement, type EngagementOptions } from './engagement.js';
export {
  DEFAULT_FUNNEL_WINDOW_SECONDS,
  evaluateUserFunnel,
  funnelEvaluator,
  matchesStep,
  NAMED_FUNNELS,
  summarizeFunnel,
  FunnelSummary,
  FunnelBreakdown,
  type FunnelEvent,
  type FunnelMode,
  type FunnelReport,
  type FunnelSpec,
  type FunnelStepDef,
  type FunnelStepStats,
  type StepFilter,
  type UserFunnelResult,
} from './funnel.js';
export { sessionize, type JourneyEvent, type JourneySession } from './journey.js';
export {
  asShopDate,
  createPeriodIndexer,
  periodIndex,
  periodsBetween,
  periodStart,
  type PeriodUnit,
} from './periods.js';
export { createPathCounter, userPath, type PathLink, type PathNode, type PathOptions } from './paths.js';
export { brierScore, calibrationBins, rocAuc, type CalibrationBin } from './classification-metrics.js';
export {
  CONVERSION_FEATURES,
  conversionDataset,
  conversionFeatures,
  fitConversionModel,
  explainConversion,
  isHeldOut,
  NotEnoughTrainingDataError,
  trainConversionModel,
  type ConversionDataset,
  type ConversionExample,
  type ConversionModel,
  type ConversionTrainingOptions,
  type FeatureContribution,
  type UserActivity,
} from './conversion-model.js';
export {
  contributions,
  fitLogistic,
  predictProbability,
  rawCoefficients,
  type LogisticModel,
  type LogisticOptions,
} from './logistic-regression.js';
export { seededRandom } from './seeded-random.js';
