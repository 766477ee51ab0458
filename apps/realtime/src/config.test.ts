import { describe, expect, it } from 'vitest';
import { ConfigError } from '@broxiva/config';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.enabled).toBe(true);
    expect(c.server).toEqual({ grpcPort: 50052, httpPort: 8082, corsOrigins: '*' });
    expect(c.consumer).toEqual({ batchSize: 1000, flushIntervalMs: 20 });
    expect(c.live).toEqual({
      userTimeoutMs: 1_800_000,
      sessionTimeoutMs: 3_600_000,
      windowMs: 60_000,
      timeZone: 'UTC',
      currency: 'USD',
    });
    expect(c.policy.includeBots).toBe(false);
    expect(c.policy.dedupTtlMs).toBe(3_600_000);
    expect(c.redis.keyPrefix).toBe('broxiva:realtime');
  });

  it('reads the shop, timeouts and switches', () => {
    const c = loadConfig({
      ENABLE_REALTIME_ANALYTICS: 'false',
      SHOP_TIMEZONE: 'Europe/Berlin',
      SHOP_CURRENCY: 'eur',
      ACTIVE_USER_TIMEOUT: '300',
      REALTIME_INCLUDE_BOTS: 'yes',
    });
    expect([c.enabled, c.live.timeZone, c.live.currency, c.live.userTimeoutMs, c.policy.includeBots]).toEqual(
      [false, 'Europe/Berlin', 'EUR', 300_000, true],
    );
  });

  it('names every wrong variable', () => {
    const err = (() => {
      try {
        loadConfig({ REALTIME_FLUSH_INTERVAL_MS: '0', SHOP_TIMEZONE: 'Mars/Olympus' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('REALTIME_FLUSH_INTERVAL_MS');
    expect((err as Error).message).toContain('SHOP_TIMEZONE');
  });
});
