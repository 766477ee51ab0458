import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's Redis, as every integration test uses it. */
export const DEFAULT_TEST_REDIS = 'redis://127.0.0.1:6379';

export interface TestPrefix {
  /** `test:<random>`: pass it as createRedis's keyPrefix; keys land under `test:<random>:`. */
  readonly prefix: string;
  /** SCANs and UNLINKs every key under the prefix and resolves how many it removed. */
  cleanup(): Promise<number>;
}

/** A random key prefix per test file, so tests share one Redis without seeing each other's keys. */
export function withTestPrefix(url: string = DEFAULT_TEST_REDIS): TestPrefix {
  const prefix = `test:${randomBytes(6).toString('hex')}`;
  return { prefix, cleanup: () => deleteKeys(url, `${prefix}:`) };
}

/**
 * Deletes every key of `url`'s database that starts with `prefix` (glob characters in it match only
 * themselves) and resolves how many it removed. For tests and benchmarks that gave their apps a prefix of
 * their own.
 */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  // A client without keyPrefix: ioredis does not apply the prefix to SCAN's MATCH pattern.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let removed = 0;
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      if (found.length > 0) removed += await client.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  } finally {
    client.disconnect();
  }
}
