import { NotEnoughTrainingDataError, trainConversionModel } from '@broxiva/insights-behaviour';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticExamples } from '../testing/synthetic-examples.js';
import { createWorkerConversionTrainer } from './conversion-trainer.js';

const threads: number[] = [];
const trainer = createWorkerConversionTrainer({ onTrained: (t) => threads.push(t) });
afterAll(() => trainer.close());

describe('the worker-thread conversion trainer', () => {
  it('fits the model an in-thread training fits, bit for bit, off the main thread', async () => {
    const examples = syntheticExamples(20_000);
    const inThread = trainConversionModel(examples);
    expect(inThread.heldOutAuc).toBeGreaterThan(0.6);
    expect(await trainer.train(examples)).toEqual(inThread);
    expect(threads.length).toBe(1);
    expect(threads[0]).not.toBe(threadId);
  });

  it('leaves the main thread free while it trains', async () => {
    const examples = syntheticExamples(150_000, 2);
    // A synchronous in-thread training lets no timer run until it returns; the worker lets them run.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const started = performance.now();
      const model = await trainer.train(examples);
      const ms = performance.now() - started;
      expect(model.trainingUsers + model.heldOutUsers).toBe(150_000);
      expect(ms).toBeGreaterThan(50);
      expect(ticks).toBeGreaterThan(2);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('passes on "not enough data" as NotEnoughTrainingDataError, and restarts after close', async () => {
    const none = syntheticExamples(200).map((e) => ({ ...e, label: 0 as const }));
    const error = await trainer.train(none).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotEnoughTrainingDataError);
    expect((error as Error).message).toMatch(/at least 10 buyers and 10 non-buyers/);
    await trainer.close();
    const examples = syntheticExamples(3_000, 3);
    expect(await trainer.train(examples)).toEqual(trainConversionModel(examples));
  });
});
