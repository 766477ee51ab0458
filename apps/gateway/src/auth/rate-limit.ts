import type { Redis } from '@broxiva/redis';

export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  readonly retryAfterSeconds: number;
}

// INCRBY, and EXPIRE on the window's first hits, atomically: one command (EVALSHA, which ioredis sends
// with the client's key prefix and falls back to EVAL for) instead of MULTI, INCRBY, EXPIRE, EXEC.
const HIT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
type WithHit = Redis & { broxivaRateHits(key: string, ttlSeconds: number, hits: number): Promise<number> };

interface Pending {
  hits: number;
  readonly waiters: { resolve(count: number): void; reject(err: unknown): void }[];
}

/**
 * A fixed one-minute window per subject in Redis, shared by every gateway instance. Simple and cheap; a
 * burst of up to twice the limit across a window edge is accepted.
 *
 * Hits on the same window that arrive in one turn of the event loop (a busy write key's many requests)
 * go to Redis as one INCRBY; each request is then decided on the count its own INCR would have returned,
 * its place in that run, so decisions are those of one command per request, for one round trip.
 */
export function createRateLimiter(redis: Redis, perMinute: number, now: () => number = Date.now) {
  if (!('broxivaRateHits' in redis)) redis.defineCommand('broxivaRateHits', { numberOfKeys: 1, lua: HIT });
  const r = redis as WithHit;
  let pending = new Map<string, Pending>();

  function flush(): void {
    const ready = pending;
    pending = new Map();
    for (const [key, p] of ready) {
      r.broxivaRateHits(key, 61, p.hits).then(
        (total) => p.waiters.forEach((w, i) => w.resolve(total - (p.hits - 1 - i))),
        (err: unknown) => p.waiters.forEach((w) => w.reject(err)),
      );
    }
  }

  return async (subject: string): Promise<RateDecision> => {
    const t = now();
    const window = Math.floor(t / 60_000);
    const key = `rate:${subject}:${window}`;
    let p = pending.get(key);
    if (p === undefined) {
      if (pending.size === 0) setImmediate(flush);
      pending.set(key, (p = { hits: 0, waiters: [] }));
    }
    const batch = p;
    batch.hits++;
    const count = await new Promise<number>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - t) / 1000));
    return { allowed: count <= perMinute, retryAfterSeconds };
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
