import type { RollupWorker } from '@broxiva/metrics-data-access';
import type { Logger } from '@broxiva/telemetry';

/**
 * Runs the rollup worker every `intervalMs`, draining all dirty hours each time; errors (database down)
 * are logged and retried next tick. Returns a stop function that waits for a running pass.
 */
export function scheduleRollups(deps: { worker: RollupWorker; intervalMs: number; logger: Logger }) {
  let stopped = false;
  let busy = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const hours = await deps.worker.drain();
      if (hours > 0) deps.logger.debug({ hours }, 'rollups recomputed');
    } catch (e) {
      deps.logger.warn({ err: e }, 'rollup pass failed; retrying');
    }
  };
  const timer = setInterval(() => {
    // A pass longer than the interval is not overlapped by the next one.
    if (stopped || busy) return;
    busy = true;
    running = tick().finally(() => {
      busy = false;
    });
  }, deps.intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
