import { Code, ConnectError } from '@connectrpc/connect';
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
        (err: unknown) =>
          // The Metrics service not being up yet (start-up order) or restarting is expected: a warning.
          err instanceof ConnectError && err.code === Code.Unavailable
            ? o.logger.warn({ reason: err.rawMessage }, 'anomaly check skipped: Metrics is unavailable')
            : o.logger.error({ err }, 'anomaly check failed'),
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
