import { createLogger } from '@broxiva/telemetry';
import { describe, expect, it } from 'vitest';
import { scheduleAnomalyChecks } from './alert-loop.js';

const logger = createLogger({ service: 'insights-test', level: 'FATAL' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduleAnomalyChecks', () => {
  it('runs at once and then every interval, never two at a time, and goes on after a failure', async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const stop = scheduleAnomalyChecks({
      intervalMs: 10,
      logger,
      check: async () => {
        overlap ||= running > 0;
        running++;
        runs++;
        await sleep(15);
        running--;
        if (runs === 2) throw new Error('metrics down');
      },
    });
    await sleep(150);
    await stop();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(3);
    expect(overlap).toBe(false);
    await sleep(50);
    expect(runs).toBe(after);
  });
});
