import type { PartitionManager } from '@broxiva/event-store';
import type { Logger } from '@broxiva/telemetry';

const DAY_MS = 86_400_000;

/** Drops event partitions older than `maxAgeDays` now and then every `intervalMs`; returns a stop function. */
export function scheduleRetention(o: {
  partitions: PartitionManager;
  maxAgeDays: number;
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
}): () => void {
  const run = async () => {
    const cutoff = new Date((o.now?.() ?? new Date()).getTime() - o.maxAgeDays * DAY_MS);
    try {
      const dropped = await o.partitions.dropBefore(cutoff);
      if (dropped.length > 0) o.logger.info({ dropped, cutoff }, 'retention dropped event partitions');
    } catch (err) {
      o.logger.error({ err }, 'retention run failed; will try again');
    }
  };
  void run();
  const timer = setInterval(() => void run(), o.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
