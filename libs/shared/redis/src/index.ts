export { createRedis, ready, type RedisConfig } from './create-redis.js';
export { keys, type KeyBuilder, type KeyPart } from './keys.js';
export { RedisUnavailableError, START_REDIS_HINT, maskUrl } from './redis-unavailable-error.js';
export type { Redis } from 'ioredis';
