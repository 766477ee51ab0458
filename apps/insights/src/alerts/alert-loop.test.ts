import { Code, ConnectError } from '@connectrpc/connect';
import { createLogger, type Logger } from '@broxiva/telemetry';
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

  it('logs an unreachable Metrics service as a warning and any other failure as an error', async () => {
    const lines: string[] = [];
    const recording = {
      warn: (_o: object, msg: string) => void lines.push(`warn ${msg}`),
      error: (_o: object, msg: string) => void lines.push(`error ${msg}`),
    } as unknown as Logger;
    const failures = [new ConnectError('connect ECONNREFUSED', Code.Unavailable), new Error('bad series')];
    const stop = scheduleAnomalyChecks({
      intervalMs: 5,
      logger: recording,
      check: async () => {
        const e = failures.shift();
        if (e !== undefined) throw e;
      },
    });
    await sleep(40);
    await stop();
    expect(lines).toEqual([
      'warn anomaly check skipped: Metrics is unavailable',
      'error anomaly check failed',
    ]);
  });
});
