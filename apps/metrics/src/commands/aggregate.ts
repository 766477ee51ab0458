// Recomputes one day's rollups (hourly, hourly by category, daily_metrics) from the raw events:
// `npm run aggregate -w apps/metrics -- --date 2025-11-03`. Idempotent; picks up late events.
import { pgPool } from '@broxiva/db';
import { createQueryCache, createRollupWorker } from '@broxiva/metrics-data-access';
import { createRedis, ready } from '@broxiva/redis';
import { loadConfig } from '../config.js';
import { parseDay } from './args.js';
import { parseCommand, runCommand } from './cli.js';

const HELP = `aggregate --date YYYY-MM-DD

Recomputes the hourly rollups and daily_metrics of one day of the shop's time zone (SHOP_TIMEZONE)
from the raw events, whether or not its hours were marked dirty. Running it twice gives the same rows;
running it after late events were stored includes them. Prints the day's daily_metrics row as JSON.

Options:
  --date YYYY-MM-DD   the day, in SHOP_TIMEZONE (required)
  -h, --help          this text

Environment: ANALYTICS_DATABASE_URL, SHOP_TIMEZONE; with QUERY_CACHE_TTL_SECONDS > 0 (the default) the
cached query answers of the recomputed days are invalidated in Redis (REDIS_URL, METRICS_REDIS_KEY_PREFIX).`;

/** The query cache's invalidation, when the cache is on and Redis answers; else a warning and none. */
async function cacheInvalidation(config: ReturnType<typeof loadConfig>) {
  if (config.cache.ttlSeconds === 0) return { close: () => undefined };
  const redis = createRedis({ ...config.redis, failFast: true, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await ready(redis);
  } catch (e) {
    console.error(
      `aggregate: cached answers not invalidated (${e instanceof Error ? e.message : String(e)})`,
    );
    return { close: () => undefined };
  }
  const cache = createQueryCache({ redis, ttlSeconds: config.cache.ttlSeconds });
  return { invalidate: cache.invalidate, close: () => redis.disconnect() };
}

runCommand('aggregate', async () => {
  const values = parseCommand(process.argv.slice(2), { date: { type: 'string' } }, HELP);
  const day = parseDay('date', values.date);
  const config = loadConfig(process.env);
  const pool = pgPool(config.analyticsDatabaseUrl, { max: 2 });
  const cache = await cacheInvalidation(config);
  try {
    const t0 = performance.now();
    const worker = createRollupWorker({
      pool,
      shopTimeZone: config.rollups.shopTimeZone,
      ...(cache.invalidate === undefined ? {} : { invalidate: cache.invalidate }),
    });
    const hours = await worker.recomputeShopDay(day);
    const { rows } = await pool.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, revenue::float8, orders::int, average_order_value::float8,
              items_sold::float8, sessions::int, users::int, new_users::int, page_views::int,
              product_views::int, add_to_cart::int, checkout_starts::int, conversion_rate::float8
         FROM daily_metrics WHERE day = $1::date`,
      [day],
    );
    console.log(
      JSON.stringify({
        date: day,
        timeZone: config.rollups.shopTimeZone,
        hours,
        seconds: Math.round(performance.now() - t0) / 1000,
        daily: rows[0] ?? null,
      }),
    );
  } finally {
    cache.close();
    await pool.end();
  }
});
