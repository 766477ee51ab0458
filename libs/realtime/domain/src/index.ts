export { shopDayOf, type ShopDay } from './shop-day.js';
export {
  FUNNEL_STEPS,
  MONEY_SCALE,
  actorOf,
  cartDeltaUnits,
  fromMoneyUnits,
  planLiveUpdate,
  regionOf,
  sessionOf,
  toMoneyUnits,
  type FunnelStep,
  type LiveEvent,
  type LivePlan,
  type LivePolicy,
  type LiveUpdate,
  type SkipReason,
} from './live-event.js';
export { overviewChanged, overviewFrom, type Overview, type OverviewCounts } from './overview.js';
export { conversionWindows, funnelRates, minuteStarts, type StepCount } from './windows.js';
export { DEFAULT_EMISSION, shouldEmit, type EmissionPolicy } from './emission.js';
export { liveKeys } from './key-layout.js';
