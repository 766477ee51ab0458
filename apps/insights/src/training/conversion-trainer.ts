import {
  conversionDataset,
  NotEnoughTrainingDataError,
  trainConversionModel,
  type ConversionDataset,
  type ConversionExample,
  type ConversionModel,
  type ConversionTrainingOptions,
} from '@broxiva/insights-behaviour';
import { Worker } from 'node:worker_threads';

/** Fits conversion models: `trainConversionModel`, wherever it runs. */
export interface ConversionTrainer {
  train(
    examples: readonly ConversionExample[],
    options?: ConversionTrainingOptions,
  ): Promise<ConversionModel>;
  /** Stops the worker (if any); pending trainings are rejected. */
  close(): Promise<void>;
}

export interface TrainRequest {
  readonly id: number;
  readonly data: ConversionDataset;
  readonly options: Omit<ConversionTrainingOptions, 'holdoutFraction'>;
}

export type TrainReply =
  | {
      readonly id: number;
      readonly threadId: number;
      readonly model: ConversionModel;
      readonly error?: never;
    }
  | {
      readonly id: number;
      readonly threadId: number;
      readonly model?: never;
      readonly error: { readonly message: string; readonly notEnoughData: boolean };
    };

/**
 * Trains in a worker thread, so the Insights main thread keeps answering RPCs while a model is fitted (a
 * second or two of Newton iterations over 200k users). The examples become flat typed arrays here (the
 * features: tens of milliseconds) whose buffers move to the worker without a copy; the worker runs the same
 * `fitConversionModel`, so the models are those an in-thread training gives, bit for bit. One worker,
 * started on first use and restarted if it dies; it holds the process open only while it trains.
 * `onTrained` is told the thread that fitted each model (tests, logs).
 */
export function createWorkerConversionTrainer(
  opts: { onTrained?: (threadId: number) => void } = {},
): ConversionTrainer {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (m: ConversionModel) => void; reject: (e: Error) => void }>();

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  function start(): Worker {
    const w = new Worker(new URL('./conversion-trainer-worker.mjs', import.meta.url));
    w.unref();
    w.on('message', (reply: TrainReply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      opts.onTrained?.(reply.threadId);
      if (reply.error === undefined) p.resolve(reply.model);
      else
        p.reject(
          reply.error.notEnoughData
            ? new NotEnoughTrainingDataError(reply.error.message)
            : new Error(`conversion model training failed: ${reply.error.message}`),
        );
    });
    w.on('error', (e) => failAll(new Error('the conversion training worker failed', { cause: e })));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`the conversion training worker exited (code ${code})`));
    });
    return w;
  }

  return {
    train(examples, options = {}) {
      const { holdoutFraction, ...fitOptions } = options;
      const data = conversionDataset(examples, holdoutFraction);
      const w = (worker ??= start());
      const id = nextId++;
      return new Promise<ConversionModel>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        const req: TrainRequest = { id, data, options: fitOptions };
        w.postMessage(req, [data.features.buffer, data.labels.buffer, data.heldOut.buffer]);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w !== undefined) await w.terminate();
    },
  };
}

/** Trains on the calling thread (tests, tools): the same models, blocking while it fits. */
export function createInThreadConversionTrainer(): ConversionTrainer {
  return {
    train: async (examples, options) => trainConversionModel(examples, options),
    close: async () => undefined,
  };
}
