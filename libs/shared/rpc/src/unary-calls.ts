import type { Interceptor } from '@connectrpc/connect';

export interface UnaryCalls {
  readonly interceptor: Interceptor;
  /** Resolves once no unary call is running (at once if none is). */
  idle(): Promise<void>;
}

/**
 * Counts running unary calls so stop() can let them finish before aborting handlers. Streams are not
 * counted: they run until cancelled, and waiting for them would always use up the whole grace period.
 */
export function countUnaryCalls(): UnaryCalls {
  let running = 0;
  const waiters: (() => void)[] = [];
  return {
    interceptor: (next) => async (req) => {
      if (req.stream) return next(req);
      running++;
      try {
        return await next(req);
      } finally {
        running--;
        if (running === 0) for (const wake of waiters.splice(0)) wake();
      }
    },
    idle() {
      if (running === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
