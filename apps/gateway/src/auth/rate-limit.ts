import type { Redis } from '@broxiva/redis';

export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  readonly retryAfterSeconds: number;
}

// INCR, and EXPIRE on the window's first hit, atomically: one command per request (EVALSHA, which ioredis
// sends with the client's key prefix and falls back to EVAL for) instead of MULTI, INCR, EXPIRE, EXEC.
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
type WithHit = Redis & { broxivaRateHit(key: string, ttlSeconds: number): Promise<number> };

/**
 * A fixed one-minute window per subject in Redis, shared by every gateway instance. Simple and cheap; a
 * burst of up to twice the limit across a window edge is accepted.
 */
export function createRateLimiter(redis: Redis, perMinute: number, now: () => number = Date.now) {
  if (!('broxivaRateHit' in redis)) redis.defineCommand('broxivaRateHit', { numberOfKeys: 1, lua: HIT });
  const r = redis as WithHit;
  return async (subject: string): Promise<RateDecision> => {
    const t = now();
    const window = Math.floor(t / 60_000);
    const count = await r.broxivaRateHit(`rate:${subject}:${window}`, 61);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - t) / 1000));
    return { allowed: count <= perMinute, retryAfterSeconds };
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
