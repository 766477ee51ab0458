import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisUnavailableError, START_REDIS_HINT, createRedis, keys, ready } from './index.js';
import { DEFAULT_TEST_REDIS, withTestPrefix } from './testing.js';

describe('createRedis', () => {
  const test = withTestPrefix();
  const raw = new Redis(DEFAULT_TEST_REDIS, { lazyConnect: true });
  const client = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: test.prefix });
  const k = keys('realtime');

  beforeAll(async () => {
    await Promise.all([ready(client), raw.connect()]);
  });
  afterAll(async () => {
    await test.cleanup();
    client.disconnect();
    raw.disconnect();
  });

  it('prefixes every key it writes, as a client without the prefix sees', async () => {
    await client.set(k.join('active', 'users'), '42');
    expect(await raw.get(`${test.prefix}:realtime:active:users`)).toBe('42');
    expect(await raw.exists('realtime:active:users')).toBe(0);
    expect(await client.get(k.join('active', 'users'))).toBe('42');
  });

  it('runs explicit pipelines and auto-pipelines concurrent commands', async () => {
    const key = k.join('pipeline');
    const results = await client.pipeline().set(key, '1').incrby(key, 4).get(key).exec();
    expect(results).toEqual([
      [null, 'OK'],
      [null, 5],
      [null, '5'],
    ]);
    const counts = await Promise.all(Array.from({ length: 200 }, () => client.incr(k.join('auto'))));
    expect(Math.max(...counts)).toBe(200);
    expect(await raw.get(`${test.prefix}:realtime:auto`)).toBe('200');
  });

  it('adds the separator a prefix lacks, and keeps one that is there', () => {
    expect(client.options.keyPrefix).toBe(`${test.prefix}:`);
    const given = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: 'app:', lazyConnect: true });
    expect(given.options.keyPrefix).toBe('app:');
    expect(given.status).toBe('wait');
    given.disconnect();
  });

  it('connects a lazy client in ready()', async () => {
    const lazy = createRedis({ url: DEFAULT_TEST_REDIS, keyPrefix: test.prefix, lazyConnect: true });
    expect(lazy.status).toBe('wait');
    await ready(lazy);
    expect(await lazy.ping()).toBe('PONG');
    lazy.disconnect();
  });
});

describe('ready', () => {
  it.each([false, true])(
    'names the URL with the password masked, and how to start Redis (lazyConnect: %s)',
    async (lazyConnect) => {
      const url = 'redis://:s3cret@127.0.0.1:1/0';
      const client = createRedis({ url, keyPrefix: 'x', lazyConnect });
      const err = await ready(client).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      const message = (err as Error).message;
      expect(message).toContain('cannot connect to Redis at redis://:***@127.0.0.1:1/0: ');
      expect(message).toContain('ECONNREFUSED');
      expect(message).toContain(START_REDIS_HINT);
      expect(message).not.toContain('s3cret');
      // Given up, not retrying in the background.
      expect(client.status).toBe('end');
    },
  );
});
