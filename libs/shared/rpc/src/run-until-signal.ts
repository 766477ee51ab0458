import type { Logger } from '@broxiva/telemetry';

/**
 * Waits for SIGINT or SIGTERM, then runs the shutdown steps one after another (each app passes them in
 * the reverse order of start-up), logging any that fails and carrying on with the rest. A second signal
 * exits at once.
 */
export async function runUntilSignal(
  logger: Logger,
  steps: readonly (() => Promise<unknown>)[],
): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  const force = () => process.exit(130);
  process.once('SIGINT', force).once('SIGTERM', force);
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      logger.error({ err }, 'shutdown step failed');
    }
  }
  logger.info('stopped');
}
