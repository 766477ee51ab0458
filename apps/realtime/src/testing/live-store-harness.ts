import { createRedis, type Redis } from '@broxiva/redis';
import { withTestPrefix } from '@broxiva/redis/testing';
import type { LivePolicy } from '@broxiva/realtime-domain';
import { createLiveReader } from '../adapters/redis-live-reader.js';
import { createLiveWriter } from '../adapters/redis-live-writer.js';
import { createRealtimeHandler } from '../consumers/realtime-handler.js';

export interface LiveStoreHarnessOptions {
  readonly timeZone?: string;
  readonly currency?: string;
  readonly userTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly windowMs?: number;
  readonly includeBots?: boolean;
  readonly dedupTtlMs?: number;
}

/**
 * The live store on the machine's Redis under a random key prefix, with a clock the test moves.
 * `replica()` gives another handler with its own Redis connection on the same keys.
 */
export function liveStoreHarness(o: LiveStoreHarnessOptions = {}) {
  const keys = withTestPrefix();
  const clients: Redis[] = [];
  const clock = { now: 0 };
  const settings = {
    timeZone: o.timeZone ?? 'UTC',
    currency: o.currency ?? 'EUR',
    userTimeoutMs: o.userTimeoutMs ?? 1_800_000,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 3_600_000,
    windowMs: o.windowMs ?? 60_000,
  };
  const policy: LivePolicy = {
    includeBots: o.includeBots ?? false,
    shopCurrency: settings.currency,
    timeZone: settings.timeZone,
    dedupTtlMs: o.dedupTtlMs ?? 3_600_000,
    windowMs: settings.windowMs,
  };
  const client = () => {
    const redis = createRedis({ url: 'redis://127.0.0.1:6379', keyPrefix: keys.prefix });
    clients.push(redis);
    return redis;
  };
  const replica = () => {
    const apply = createLiveWriter({ redis: client(), base: 'live', ...settings, chunkSize: 7 });
    return { apply, handle: createRealtimeHandler({ policy, apply, now: () => clock.now }) };
  };
  const reader = createLiveReader({ redis: client(), base: 'live', ...settings });
  return {
    clock,
    policy,
    reader,
    replica,
    ...replica(),
    async close() {
      for (const c of clients) c.disconnect();
      await keys.cleanup();
    },
  };
}
