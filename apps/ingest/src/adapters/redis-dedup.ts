import type { Redis } from 'ioredis';

export interface RedisDedupOptions {
  readonly redis: Redis;
  /** Seconds an accepted event id is remembered (DEDUP_WINDOW_SECONDS). */
  readonly windowSeconds: number;
  readonly onError?: (error: unknown) => void;
}

// One round trip for a whole batch; SET with EX per key so each id expires on its own.
const REMEMBER = `for i, k in ipairs(KEYS) do redis.call('SET', k, '1', 'EX', ARGV[1]) end return #KEYS`;

/**
 * The ingest dedup window, shared by every Ingest replica: ids accepted within the window are answered
 * `duplicate` and not published again. This only saves work and tells the client; exactly-once does not
 * depend on it (the store is idempotent), so when Redis is unreachable ingest carries on without it
 * rather than refusing events.
 */
export function createRedisDedup(o: RedisDedupOptions) {
  const key = (id: string) => `dedup:${id}`;
  return {
    async seen(ids: readonly string[]): Promise<readonly boolean[]> {
      try {
        const values = await o.redis.mget(ids.map(key));
        return values.map((v) => v !== null);
      } catch (e) {
        o.onError?.(e);
        return ids.map(() => false);
      }
    },
    async remember(ids: readonly string[]): Promise<void> {
      try {
        await o.redis.eval(REMEMBER, ids.length, ...ids.map(key), String(o.windowSeconds));
      } catch (e) {
        o.onError?.(e);
      }
    },
  };
}
