import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, ready } from './index.js';
import { DEFAULT_TEST_REDIS, withTestPrefix } from './testing.js';

describe('withTestPrefix', () => {
  const raw = new Redis(DEFAULT_TEST_REDIS);
  afterAll(() => raw.disconnect());

  it('gives each caller its own prefix, and cleanup removes only that prefix’s keys', async () => {
    const mine = withTestPrefix();
    const other = withTestPrefix();
    expect(mine.prefix).toMatch(/^test:[0-9a-f]{12}$/);
    expect(other.prefix).not.toBe(mine.prefix);

    const a = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: mine.prefix });
    const b = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: other.prefix });
    try {
      await Promise.all([ready(a), ready(b)]);
      // More keys than one SCAN batch, so cleanup has to follow the cursor.
      await Promise.all(Array.from({ length: 2500 }, (_, i) => a.set(`k${i}`, 'v')));
      await b.set('k0', 'kept');
      // A key that merely starts with the same characters is not under the prefix.
      await raw.set(`${mine.prefix}x`, 'kept');

      expect(await mine.cleanup()).toBe(2500);
      expect(await a.exists('k0', 'k2499')).toBe(0);
      expect(await b.get('k0')).toBe('kept');
      expect(await raw.get(`${mine.prefix}x`)).toBe('kept');
      expect(await mine.cleanup()).toBe(0);
    } finally {
      await raw.unlink(`${mine.prefix}x`);
      expect(await other.cleanup()).toBe(1);
      a.disconnect();
      b.disconnect();
    }
  });
});
