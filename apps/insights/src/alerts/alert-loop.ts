import type { Logger } from '@broxiva/telemetry';

export interface AlertLoopOptions {
  readonly check: () => Promise<unknown>;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/**
 * Runs `check` now and then every `intervalMs` after the previous run ended (runs never overlap); a
 * failed run is logged and the loop goes on. Resolves a stop function that waits for a running check.
 */
export function scheduleAnomalyChecks(o: AlertLoopOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = o
      .check()
      .then(
        () => undefined,
        (err: unknown) => o.logger.error({ err }, 'anomaly check failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(run, o.intervalMs);
      });
  };
  run();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
