import { OverloadError } from '@broxiva/rpc';

export interface QueryGateConfig {
  /** MAX_CONCURRENT_QUERIES. */
  readonly maxConcurrent: number;
  /** How long a query beyond the limit waits for a slot before ResourceExhausted. */
  readonly maxWaitMs: number;
}

/**
 * Bounds queries running at once. Beyond the limit a call waits briefly (first come, first served), then
 * fails with OverloadError, which the rpc lib maps to ResourceExhausted: the client should back off.
 */
export function createQueryGate(config: QueryGateConfig) {
  let running = 0;
  const waiting: (() => void)[] = [];

  async function acquire(): Promise<void> {
    if (running < config.maxConcurrent) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(grant), 1);
        reject(
          new OverloadError(`too many concurrent queries (limit ${config.maxConcurrent}); retry in a moment`),
        );
      }, config.maxWaitMs);
      waiting.push(grant);
    });
  }

  function release(): void {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next !== undefined) next();
    else running -= 1;
  }

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
  };
}

export type QueryGate = ReturnType<typeof createQueryGate>;
