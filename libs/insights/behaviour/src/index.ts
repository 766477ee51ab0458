export {
  buildCohorts,
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
  matchesStep,
  NAMED_FUNNELS,
  summarizeFunnel,
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
export { periodsBetween, periodStart, type PeriodUnit } from './periods.js';
export { createPathCounter, userPath, type PathLink, type PathNode, type PathOptions } from './paths.js';
