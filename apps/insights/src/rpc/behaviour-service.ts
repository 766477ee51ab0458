import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  AnalyzeCohortsResponseSchema,
  AnalyzeFunnelResponseSchema,
  CohortMetric,
  CohortType,
  FunnelMode,
  GetConversionModelResponseSchema,
  GetJourneyPathsResponseSchema,
  GetUserJourneyResponseSchema,
  type InsightsService,
} from '@broxiva/contracts';
import {
  asShopDate,
  cohortsFromCells,
  CONVERSION_FEATURES,
  createPathCounter,
  DEFAULT_FUNNEL_WINDOW_SECONDS,
  engagementScore,
  explainConversion,
  FunnelBreakdown,
  funnelEvaluator,
  FunnelSummary,
  NAMED_FUNNELS,
  NotEnoughTrainingDataError,
  sessionize,
  type CohortMetric as DomainCohortMetric,
  type FunnelMode as DomainFunnelMode,
  type FunnelStepDef,
  type FunnelStepStats,
  type PeriodUnit,
} from '@broxiva/insights-behaviour';
import { NotFoundError, ValidationError } from '@broxiva/rpc';
import { BREAKDOWN_COLUMNS, type BehaviourStore } from '../adapters/event-store-behaviour.js';
import type { ConversionModels, TrainedConversionModel } from '../conversion-models.js';

export interface BehaviourDeps {
  readonly store: BehaviourStore;
  readonly now: () => Date;
  readonly settings: {
    readonly cohorts: boolean;
    readonly funnels: boolean;
    readonly journeys: boolean;
    /** SESSION_TIMEOUT, seconds: splits a journey's events that carry no session id. */
    readonly sessionTimeoutSeconds: number;
    /** SHOP_TIMEZONE: the calendar of cohort periods and of request dates. */
    readonly timeZone: string;
  };
  /** Cached conversion models; without them journeys carry no conversion probability. */
  readonly conversion?: ConversionModels;
}

const DAY = 86_400_000;
const MAX_STEPS = 20;
const MAX_PATH_STEPS = 10;
const MAX_RANGE_DAYS = 732;
const DEFAULT_HORIZON_DAYS = 7;
const MAX_HORIZON_DAYS = 90;
/** Contributions a journey shows. */
const TOP_CONTRIBUTIONS = 5;
/** Touchpoints one journey returns at most (the earliest ones). */
const MAX_TOUCHPOINTS = 10_000;
/** Shown for users with no value of the breakdown dimension. */
const NO_VALUE = '(none)';

const invalid = (field: string, rule: string, description: string) =>
  new ValidationError([{ field, rule, description }]);

const disabled = (what: string, flag: string) =>
  new ConnectError(`${what} is disabled (${flag}=false)`, Code.FailedPrecondition);

/** A request timestamp, dates (midnight UTC) read in the shop's calendar. */
const shopDate = (ts: Timestamp, timeZone: string) =>
  new Date(asShopDate(timestampDate(ts).getTime(), timeZone));

function range(
  startTs: Timestamp | undefined,
  endTs: Timestamp | undefined,
  now: Date,
  defaultDays: number,
  timeZone: string,
) {
  const end = endTs === undefined ? now : shopDate(endTs, timeZone);
  const start =
    startTs === undefined ? new Date(end.getTime() - defaultDays * DAY) : shopDate(startTs, timeZone);
  if (!(end > start)) throw invalid('end_date', 'after_start', 'must be after start_date');
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY)
    throw invalid('end_date', 'max_range', `the range may span at most ${MAX_RANGE_DAYS} days`);
  return { start, end };
}

function horizonOf(days: number, field: string): number {
  if (days === 0) return DEFAULT_HORIZON_DAYS;
  if (days < 1 || days > MAX_HORIZON_DAYS)
    throw invalid(field, 'range', `must be between 1 and ${MAX_HORIZON_DAYS} days`);
  return days;
}

function modelSummary(m: TrainedConversionModel) {
  return {
    horizonDays: m.horizonDays,
    cutoff: timestampFromDate(m.cutoff),
    trainedAt: timestampFromDate(m.trainedAt),
    lookbackDays: m.lookbackDays,
    trainingUsers: BigInt(m.trainingUsers),
    heldOutUsers: BigInt(m.heldOutUsers),
    trainingPositiveRate: m.trainingPositiveRate,
    heldOutAuc: m.heldOutAuc,
    heldOutBrier: m.heldOutBrier,
    calibration: m.calibration.map((b) => ({ ...b, count: BigInt(b.count) })),
  };
}

function breakdownOf(value: string): string | undefined {
  if (value === '') return undefined;
  if (BREAKDOWN_COLUMNS[value] === undefined) {
    throw invalid('breakdown', 'in', `must be one of ${Object.keys(BREAKDOWN_COLUMNS).join(', ')}`);
  }
  return value;
}

const FUNNEL_MODES: Record<FunnelMode, DomainFunnelMode> = {
  [FunnelMode.UNSPECIFIED]: 'ordered',
  [FunnelMode.ORDERED]: 'ordered',
  [FunnelMode.STRICT]: 'strict',
  [FunnelMode.ANY_ORDER]: 'any-order',
};

const COHORT_TYPES: Record<CohortType, { unit: PeriodUnit; anchor: 'first_event' | 'first_purchase' }> = {
  [CohortType.UNSPECIFIED]: { unit: 'month', anchor: 'first_event' },
  [CohortType.ACQUISITION_DAY]: { unit: 'day', anchor: 'first_event' },
  [CohortType.ACQUISITION_WEEK]: { unit: 'week', anchor: 'first_event' },
  [CohortType.ACQUISITION_MONTH]: { unit: 'month', anchor: 'first_event' },
  [CohortType.FIRST_PURCHASE_DAY]: { unit: 'day', anchor: 'first_purchase' },
  [CohortType.FIRST_PURCHASE_WEEK]: { unit: 'week', anchor: 'first_purchase' },
  [CohortType.FIRST_PURCHASE_MONTH]: { unit: 'month', anchor: 'first_purchase' },
};

const COHORT_METRICS: Record<CohortMetric, DomainCohortMetric> = {
  [CohortMetric.UNSPECIFIED]: 'retention',
  [CohortMetric.RETENTION]: 'retention',
  [CohortMetric.REVENUE_PER_USER]: 'revenue_per_user',
  [CohortMetric.ORDERS]: 'orders',
  [CohortMetric.REPEAT_PURCHASE_RATE]: 'repeat_purchase_rate',
};

const stepResult = (s: FunnelStepStats) => ({
  name: s.name,
  count: BigInt(s.count),
  conversionRate: s.conversionRate,
  dropOffRate: s.dropOffRate,
  medianSecondsToConvert: s.medianSecondsToConvert,
  p90SecondsToConvert: s.p90SecondsToConvert,
});

type Prediction =
  | { conversion: ReturnType<typeof explainConversion> & { model: TrainedConversionModel }; reason?: never }
  | { conversion?: never; reason: string };

/** The user's conversion probability as of `now`, or why there is none. */
async function predictConversion(
  models: ConversionModels,
  store: BehaviourStore,
  userId: string,
  horizonDays: number,
  now: Date,
): Promise<Prediction> {
  const [model, activity] = await Promise.all([
    models.get(horizonDays).catch((e: unknown) => {
      if (e instanceof NotEnoughTrainingDataError) return e;
      throw e;
    }),
    store.userActivity(userId, now, models.lookbackDays),
  ]);
  if (model instanceof Error) return { reason: model.message };
  if (activity === undefined) {
    return {
      reason: `no activity in the ${models.lookbackDays} days before now (CONVERSION_LOOKBACK_DAYS), the window the model reads`,
    };
  }
  return { conversion: { ...explainConversion(model, activity, TOP_CONTRIBUTIONS), model } };
}

/** AnalyzeFunnel, AnalyzeCohorts, GetUserJourney and GetJourneyPaths over the event store: proto ⇄ domain only. */
export function behaviourService(deps: BehaviourDeps): Partial<ServiceImpl<typeof InsightsService>> {
  const { settings } = deps;
  return {
    async analyzeFunnel(req) {
      if (!settings.funnels) throw disabled('funnel analysis', 'ENABLE_FUNNEL_ANALYSIS');
      let steps: readonly FunnelStepDef[];
      if (req.steps.length === 0) {
        if (req.funnelName === '')
          throw invalid('steps', 'required', 'give a funnel_name or at least two steps');
        const named = NAMED_FUNNELS[req.funnelName];
        if (named === undefined) throw new NotFoundError(`no funnel named "${req.funnelName}"`);
        steps = named;
      } else {
        steps = req.steps.map((s, i) => {
          if (s.eventType === '') throw invalid(`steps[${i}].event_type`, 'required', 'is required');
          if (s.withinSeconds < 0n)
            throw invalid(`steps[${i}].within_seconds`, 'gte', 'must not be negative');
          return {
            name: s.name === '' ? s.eventType : s.name,
            eventType: s.eventType,
            filters: s.filters.map((f) => ({ property: f.property, values: f.values })),
            withinSeconds: Number(s.withinSeconds),
          };
        });
      }
      if (steps.length < 2 || steps.length > MAX_STEPS)
        throw invalid('steps', 'size', `a funnel has 2 to ${MAX_STEPS} steps`);
      const mode = FUNNEL_MODES[req.mode];
      if (mode === 'any-order' && steps.some((s) => (s.withinSeconds ?? 0) > 0))
        throw invalid('steps.within_seconds', 'mode', 'per-step limits need an ordered or strict funnel');
      if (req.conversionWindowSeconds < 0n)
        throw invalid('conversion_window_seconds', 'gte', 'must not be negative');
      const windowSeconds =
        req.conversionWindowSeconds === 0n
          ? DEFAULT_FUNNEL_WINDOW_SECONDS
          : Number(req.conversionWindowSeconds);
      const breakdown = breakdownOf(req.breakdown);
      const { start, end } = range(req.startDate, req.endDate, deps.now(), 30, settings.timeZone);
      const spec = { steps, mode, windowSeconds, exclusions: req.exclusions };

      const evaluate = funnelEvaluator(spec);
      const overall = new FunnelSummary(steps);
      const byValue = new FunnelBreakdown(steps);
      await deps.store.funnelEvents(
        {
          start,
          end,
          eventTypes: [...new Set([...steps.map((s) => s.eventType), ...req.exclusions])],
          properties: [...new Set(steps.flatMap((s) => (s.filters ?? []).map((f) => f.property)))],
          ...(breakdown === undefined ? {} : { breakdown }),
        },
        (events) => {
          const r = evaluate(events);
          if (r.reached === 0) return;
          overall.add(r);
          if (breakdown !== undefined) byValue.add(r.dim === '' ? NO_VALUE : r.dim, r);
        },
      );
      const report = overall.report();
      return create(AnalyzeFunnelResponseSchema, {
        funnelName: req.funnelName === '' ? 'custom' : req.funnelName,
        steps: report.steps.map(stepResult),
        overallConversionRate: report.overallConversionRate,
        breakdowns: byValue
          .reports()
          .map(({ value, report }) => ({ value, steps: report.steps.map(stepResult) })),
      });
    },

    async analyzeCohorts(req) {
      if (!settings.cohorts) throw disabled('cohort analysis', 'ENABLE_COHORT_ANALYSIS');
      if (req.startDate === undefined) throw invalid('start_date', 'required', 'is required');
      if (req.periods < 0) throw invalid('periods', 'gte', 'must not be negative');
      const { start, end } = range(req.startDate, req.endDate, deps.now(), 0, settings.timeZone);
      const type = COHORT_TYPES[req.cohortType];
      const breakdown = breakdownOf(req.breakdown);
      const cells = await deps.store.cohortCells({
        start,
        end,
        unit: type.unit,
        anchor: type.anchor,
        timeZone: settings.timeZone,
        metric: COHORT_METRICS[req.metric],
        ...(breakdown === undefined ? {} : { breakdown }),
      });
      const rows = cohortsFromCells(cells, {
        unit: type.unit,
        metric: COHORT_METRICS[req.metric],
        start: start.getTime(),
        end: end.getTime(),
        periods: req.periods,
        timeZone: settings.timeZone,
      });
      return create(AnalyzeCohortsResponseSchema, {
        cohortType: req.cohortType === CohortType.UNSPECIFIED ? CohortType.ACQUISITION_MONTH : req.cohortType,
        metric: req.metric === CohortMetric.UNSPECIFIED ? CohortMetric.RETENTION : req.metric,
        cohorts: rows.map((c) => ({
          cohortStart: timestampFromDate(new Date(c.cohortStart)),
          breakdownValue: breakdown === undefined ? '' : c.dim === '' ? NO_VALUE : c.dim,
          size: BigInt(c.size),
          values: [...c.values],
        })),
      });
    },

    async getUserJourney(req) {
      if (!settings.journeys) throw disabled('user journeys', 'ENABLE_USER_JOURNEY');
      if (req.userId === '') throw invalid('user_id', 'required', 'is required');
      const horizon = horizonOf(req.conversionHorizonDays, 'conversion_horizon_days');
      const now = deps.now();
      // Default: the whole history, up to a day ahead of now for clients whose clocks run fast.
      const end =
        req.endDate === undefined ? new Date(now.getTime() + DAY) : shopDate(req.endDate, settings.timeZone);
      const start = req.startDate === undefined ? new Date(0) : shopDate(req.startDate, settings.timeZone);
      if (!(end > start)) throw invalid('end_date', 'after_start', 'must be after start_date');
      // The touchpoints, the user's recent activity and the (cached) model, all at once.
      const conversion = deps.conversion;
      const [events, prediction] = await Promise.all([
        deps.store.userEvents(req.userId, start, end, MAX_TOUCHPOINTS),
        conversion === undefined
          ? undefined
          : predictConversion(conversion, deps.store, req.userId, horizon, now),
      ]);
      if (events.length === 0) throw new NotFoundError(`no events for user "${req.userId}" in the range`);
      const sessions = sessionize(events, settings.sessionTimeoutSeconds);
      const e = engagementScore(sessions, { now: now.getTime() });
      return create(GetUserJourneyResponseSchema, {
        userId: req.userId,
        sessions: sessions.map((s) => ({
          sessionId: s.sessionId,
          start: timestampFromDate(new Date(s.start)),
          end: timestampFromDate(new Date(s.end)),
          channel: s.channel,
          touchpoints: s.events.map((t) => ({
            time: timestampFromDate(new Date(t.ts)),
            eventType: t.type,
            eventId: t.eventId,
            page: t.page,
            productId: t.productId,
            orderId: t.orderId,
            value: t.value,
          })),
        })),
        engagement: { ...e },
        conversionProbability: prediction?.conversion?.probability ?? 0,
        ...(prediction?.conversion === undefined
          ? {}
          : {
              conversion: {
                probability: prediction.conversion.probability,
                topContributions: prediction.conversion.contributions,
                model: modelSummary(prediction.conversion.model),
              },
            }),
        conversionUnavailableReason:
          prediction === undefined ? 'the conversion model is not enabled' : (prediction.reason ?? ''),
      });
    },

    async getConversionModel(req) {
      if (!settings.journeys) throw disabled('user journeys', 'ENABLE_USER_JOURNEY');
      if (deps.conversion === undefined)
        throw new ConnectError('the conversion model is not enabled', Code.FailedPrecondition);
      const horizon = horizonOf(req.horizonDays, 'horizon_days');
      let m: TrainedConversionModel;
      try {
        m = await deps.conversion.get(horizon);
      } catch (e) {
        if (e instanceof NotEnoughTrainingDataError)
          throw new ConnectError(e.message, Code.FailedPrecondition);
        throw e;
      }
      return create(GetConversionModelResponseSchema, {
        model: modelSummary(m),
        intercept: m.model.intercept,
        coefficients: CONVERSION_FEATURES.map((f, j) => ({
          feature: f.name,
          description: f.description,
          coefficient: m.model.coefficients[j]!,
          mean: m.model.means[j]!,
          stdDev: m.model.stdDevs[j]!,
        })),
        l2: m.model.l2,
        iterations: m.model.iterations,
        converged: m.model.converged,
      });
    },

    async getJourneyPaths(req) {
      if (!settings.journeys) throw disabled('user journeys', 'ENABLE_USER_JOURNEY');
      if (req.startEvent === '' && req.endEvent === '')
        throw invalid('start_event', 'required', 'give a start_event, an end_event or both');
      const maxSteps = req.maxSteps === 0 ? 5 : req.maxSteps;
      if (maxSteps < 2 || maxSteps > MAX_PATH_STEPS)
        throw invalid('max_steps', 'range', `must be between 2 and ${MAX_PATH_STEPS}`);
      const { start, end } = range(req.startDate, req.endDate, deps.now(), 30, settings.timeZone);
      const counter = createPathCounter({
        maxSteps,
        exclusions: req.exclusions,
        ...(req.startEvent === '' ? {} : { startEvent: req.startEvent }),
        ...(req.endEvent === '' ? {} : { endEvent: req.endEvent }),
      });
      await deps.store.funnelEvents({ start, end, properties: [] }, (events) =>
        counter.add(events.map((e) => e.type)),
      );
      const { nodes, links } = counter.result();
      return create(GetJourneyPathsResponseSchema, {
        nodes: [...nodes],
        links: links.map((l) => ({ ...l, value: BigInt(l.value) })),
      });
    },
  };
}
