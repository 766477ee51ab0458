import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CohortType } from '@broxiva/contracts';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBehaviourStore, type BehaviourStore } from './adapters/event-store-behaviour.js';
import { createConversionModels } from './conversion-models.js';
import { behaviourClient } from './testing/behaviour-client.js';
import { syntheticExamples } from './testing/synthetic-examples.js';
import { createWorkerConversionTrainer, type ConversionTrainer } from './training/conversion-trainer.js';

const NOW = new Date('2024-07-01T00:00:00Z');
let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('conversion model training in a worker thread', () => {
  it('leaves the service answering other RPCs while a model trains', async () => {
    const real = createBehaviourStore(db.pool);
    // The event store here is empty; the model trains on 200k simulated users (a few seconds of fitting).
    const store: BehaviourStore = {
      ...real,
      conversionExamples: async () => ({ examples: syntheticExamples(200_000, 5), population: 200_000 }),
    };
    const threads: number[] = [];
    const worker = createWorkerConversionTrainer({ onTrained: (t) => threads.push(t) });
    let training!: () => void;
    const trainingStarted = new Promise<void>((r) => (training = r));
    const trainer: ConversionTrainer = {
      train: (examples, options) => {
        const run = worker.train(examples, options);
        training();
        return run;
      },
      close: () => worker.close(),
    };
    const conversion = createConversionModels({
      store,
      now: () => NOW,
      settings: { refreshMinutes: 60, lookbackDays: 90, maxTrainingUsers: 200_000 },
      trainer,
    });
    const client = behaviourClient({ store, now: () => NOW, conversion });
    try {
      const order: string[] = [];
      const model = client.getConversionModel({ horizonDays: 7 }).then((m) => {
        order.push('model');
        return m;
      });
      await trainingStarted;
      // Two RPCs that read PostgreSQL, issued while the model is being fitted.
      for (let i = 0; i < 2; i++) {
        const res = await client.analyzeCohorts({
          startDate: timestampFromDate(new Date('2024-01-01T00:00:00Z')),
          cohortType: CohortType.ACQUISITION_MONTH,
        });
        expect(res.cohorts).toEqual([]);
        order.push(`cohorts ${i}`);
      }
      const m = await model;
      expect(order).toEqual(['cohorts 0', 'cohorts 1', 'model']);
      expect(Number(m.model!.trainingUsers) + Number(m.model!.heldOutUsers)).toBe(200_000);
      expect(m.model!.heldOutAuc).toBeGreaterThan(0.6);
      expect(threads).toHaveLength(1);
      expect(threads[0]).not.toBe(threadId);
    } finally {
      await trainer.close();
    }
  }, 120_000);
});
