import type { Redis } from '@broxiva/redis';
import { createHash, randomBytes } from 'node:crypto';

/** Keys are stored only as SHA-256 hashes: a Redis dump gives nobody a usable key. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

const HASHES = 'write-keys:by-hash';
const NAMES = 'write-keys:by-name';

/** Write keys for the ingest routes, in Redis under the client's key prefix. */
export function createWriteKeys(redis: Redis) {
  return {
    /** The key's name when it is valid. */
    async lookup(key: string): Promise<string | undefined> {
      return (await redis.hget(HASHES, hashKey(key))) ?? undefined;
    },
    /** A new random key for `name` (replacing any older one); the only time the key is seen. */
    async create(name: string): Promise<string> {
      const key = `bx_${randomBytes(24).toString('base64url')}`;
      const old = await redis.hget(NAMES, name);
      const tx = redis.multi().hset(HASHES, hashKey(key), name).hset(NAMES, name, hashKey(key));
      if (old !== null) tx.hdel(HASHES, old);
      await tx.exec();
      return key;
    },
    async revoke(name: string): Promise<boolean> {
      const hash = await redis.hget(NAMES, name);
      if (hash === null) return false;
      await redis.multi().hdel(HASHES, hash).hdel(NAMES, name).exec();
      return true;
    },
    async list(): Promise<string[]> {
      return (await redis.hkeys(NAMES)).sort();
    },
  };
}

export type WriteKeys = ReturnType<typeof createWriteKeys>;
