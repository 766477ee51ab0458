import type { Redis } from '@broxiva/redis';
import { keys } from '@broxiva/redis';

const ALERTS = keys('alerts').child('anomaly');

/**
 * Alert de-duplication in Redis: SET NX EX on `alerts:anomaly:<id>` (under the client's key prefix). It
 * holds across checks, restarts and several Insights replicas, for the whole TTL.
 */
export function createAlertClaims(redis: Redis) {
  return {
    async claim(id: string, ttlSeconds: number): Promise<boolean> {
      return (await redis.set(ALERTS.join(id), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async release(id: string): Promise<void> {
      await redis.del(ALERTS.join(id));
    },
  };
}
