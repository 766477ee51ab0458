import { NotEnoughTrainingDataError, type ConversionModel } from '@broxiva/insights-behaviour';
import type { BehaviourStore } from './adapters/event-store-behaviour.js';
import { createInThreadConversionTrainer, type ConversionTrainer } from './training/conversion-trainer.js';

const DAY = 86_400_000;

/** A trained model with the time split it was trained on. */
export interface TrainedConversionModel extends ConversionModel {
  readonly horizonDays: number;
  readonly lookbackDays: number;
  /** End of the feature window, start of the label window: trainedAt − horizonDays. */
  readonly cutoff: Date;
  readonly trainedAt: Date;
  /** Users active in the lookback window before sampling (maxUsers caps what is fitted). */
  readonly population: number;
  /** Wall-clock milliseconds spent reading the data and fitting. */
  readonly trainingMs: number;
}

export interface ConversionModelSettings {
  /** A cached model is retrained once it is older than this (CONVERSION_MODEL_REFRESH_MINUTES). */
  readonly refreshMinutes: number;
  /** Days of behaviour before the cutoff the features read (CONVERSION_LOOKBACK_DAYS). */
  readonly lookbackDays: number;
  /** Users fitted at most; a seeded random sample beyond (CONVERSION_MAX_TRAINING_USERS). */
  readonly maxTrainingUsers: number;
}

export interface ConversionModels {
  /** Days of behaviour before the cutoff the features read (the model's and a prediction's window). */
  readonly lookbackDays: number;
  /**
   * The model for "purchase within `horizonDays`": the cached one while fresh; a stale one is returned
   * at once while a retrain runs in the background; the first call for a horizon waits for training.
   * Rejects with NotEnoughTrainingDataError (remembered until the next refresh) when there is too little
   * history.
   */
  get(horizonDays: number): Promise<TrainedConversionModel>;
}

interface Entry {
  model?: TrainedConversionModel;
  failure?: { error: Error; at: number };
  pending?: Promise<TrainedConversionModel>;
}

/** Per-horizon cache of trained conversion models, each trained by at most one run at a time. */
export function createConversionModels(deps: {
  readonly store: BehaviourStore;
  readonly now: () => Date;
  readonly settings: ConversionModelSettings;
  /** Told about background retrains that failed (the stale model stays in use). */
  readonly onError?: (error: unknown, horizonDays: number) => void;
  /** Where models are fitted: the app passes a worker-thread trainer; default on the calling thread. */
  readonly trainer?: ConversionTrainer;
}): ConversionModels {
  const { settings } = deps;
  const trainer = deps.trainer ?? createInThreadConversionTrainer();
  const refreshMs = settings.refreshMinutes * 60_000;
  const cache = new Map<number, Entry>();

  async function train(horizonDays: number): Promise<TrainedConversionModel> {
    const started = performance.now();
    const trainedAt = deps.now();
    const cutoff = new Date(trainedAt.getTime() - horizonDays * DAY);
    const { examples, population } = await deps.store.conversionExamples({
      cutoff,
      lookbackDays: settings.lookbackDays,
      horizonDays,
      maxUsers: settings.maxTrainingUsers,
    });
    const model = await trainer.train(examples);
    return {
      ...model,
      horizonDays,
      lookbackDays: settings.lookbackDays,
      cutoff,
      trainedAt,
      population,
      trainingMs: performance.now() - started,
    };
  }

  function start(horizonDays: number, entry: Entry): Promise<TrainedConversionModel> {
    const run = train(horizonDays).then(
      (model) => {
        entry.model = model;
        delete entry.failure;
        return model;
      },
      (error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        // Remember "too little data" so every journey does not retrain; other errors are retried.
        if (e instanceof NotEnoughTrainingDataError) {
          delete entry.model;
          entry.failure = { error: e, at: deps.now().getTime() };
        }
        throw e;
      },
    );
    entry.pending = run.finally(() => delete entry.pending);
    return entry.pending;
  }

  return {
    lookbackDays: settings.lookbackDays,
    async get(horizonDays) {
      let entry = cache.get(horizonDays);
      if (entry === undefined) cache.set(horizonDays, (entry = {}));
      const now = deps.now().getTime();
      if (entry.model !== undefined) {
        if (now - entry.model.trainedAt.getTime() >= refreshMs && entry.pending === undefined) {
          start(horizonDays, entry).catch((e: unknown) => deps.onError?.(e, horizonDays));
        }
        return entry.model;
      }
      if (entry.pending !== undefined) return entry.pending;
      if (entry.failure !== undefined && now - entry.failure.at < refreshMs) throw entry.failure.error;
      return start(horizonDays, entry);
    },
  };
}
