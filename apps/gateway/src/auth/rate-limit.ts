import type { Redis } from '@broxiva/redis';

export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  readonly retryAfterSeconds: number;
}

/**
 * A fixed one-minute window per subject in Redis (INCR + EXPIRE in one round trip), shared by every
 * gateway instance. Simple and cheap; a burst of up to twice the limit across a window edge is accepted.
 */
export function createRateLimiter(redis: Redis, perMinute: number, now: () => number = Date.now) {
  return async (subject: string): Promise<RateDecision> => {
    const t = now();
    const window = Math.floor(t / 60_000);
    const key = `rate:${subject}:${window}`;
    const result = await redis.multi().incr(key).expire(key, 61).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - t) / 1000));
    return { allowed: count <= perMinute, retryAfterSeconds };
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
