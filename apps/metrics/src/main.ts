import { connectBus, provision, topology } from '@broxiva/bus';
import { createOrm, pgPool } from '@broxiva/db';
import { createPartitionManager, ensureUserActivity } from '@broxiva/event-store';
import {
  createDashboardStore,
  createMetricsReader,
  createQueryCache,
  createRollupWorker,
  DashboardEntity,
  dashboardMigrations,
} from '@broxiva/metrics-data-access';
import { createRedis } from '@broxiva/redis';
import { runUntilSignal, serveService } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { startEventStorePipeline } from './event-store-pipeline.js';
import { checkTimescale, migrate, migratePlatform } from './migrate.js';
import { createQueryGate } from './query-gate.js';
import { createQueryMetrics } from './query-metrics.js';
import { scheduleRetention } from './retention.js';
import { scheduleRollups } from './rollup-loop.js';
import { createStoreMetrics } from './store-metrics.js';
import { useNodeTextEncoding } from '@broxiva/contracts';

useNodeTextEncoding();

// Composition root: config → schema → clients → pipeline, rollups and server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'metrics', level: config.logLevel });
const tracing = startTracing({ service: 'metrics', exporter: config.tracesExporter });
if (config.timescaleEnabled) await checkTimescale(config.analyticsDatabaseUrl);
const applied = [
  ...(await migrate(config.analyticsDatabaseUrl)),
  ...(await migratePlatform(config.databaseUrl)),
];
if (applied.length > 0) logger.info({ applied }, 'migrations applied');
const pool = pgPool(config.analyticsDatabaseUrl, { max: config.poolMax });
// Cohorts read per-user activity kept on the shop's calendar: rebuilt (before the store writes) if it changed.
const activity = await ensureUserActivity(pool, config.rollups.shopTimeZone);
if (activity.rebuilt)
  logger.info({ zone: config.rollups.shopTimeZone }, 'user activity rebuilt for the shop zone');
const orm = await createOrm({
  url: config.databaseUrl,
  entities: [DashboardEntity],
  migrations: dashboardMigrations,
});
const bus = await connectBus({ url: config.natsUrl, name: 'metrics', logger });
const topo = topology(config.topology);
await provision(bus.jsm, topo);
const registry = createMetricsRegistry({ service: 'metrics' });
const storeMetrics = createStoreMetrics(registry);
// The gauge reads the worker's lag only when scraped, after everything here is built.
const queryMetrics = createQueryMetrics(registry, () => worker.lagSeconds());
// Redis only caches answers: the app starts and answers without it (failFast: no queueing while it is down).
const redis = config.cache.ttlSeconds === 0 ? undefined : createRedis({ ...config.redis, failFast: true });
// Connection errors are reported through the cache's onUnavailable, once per outage.
redis?.on('error', () => undefined);
const cache =
  redis === undefined
    ? undefined
    : createQueryCache({
        redis,
        ttlSeconds: config.cache.ttlSeconds,
        onResult: queryMetrics.onCache,
        onUnavailable: (err) => logger.warn({ err }, 'query cache unavailable; answering from PostgreSQL'),
        onAvailable: () => logger.info('query cache available again'),
      });
const worker = createRollupWorker({
  pool,
  shopTimeZone: config.rollups.shopTimeZone,
  ...(cache === undefined ? {} : { invalidate: cache.invalidate }),
});

const pipeline = await startEventStorePipeline({
  js: bus.js,
  topology: topo,
  pool,
  ...config.store,
  logger,
  metrics: storeMetrics,
});
const stopRollups = scheduleRollups({ worker, intervalMs: config.rollups.intervalMs, logger });
const stopRetention = scheduleRetention({
  partitions: createPartitionManager(pool),
  ...config.retention,
  logger,
});

const app = buildApp({
  reader: createMetricsReader({ pool, timeoutMs: config.queries.timeoutMs }),
  dashboards: createDashboardStore(orm),
  gate: createQueryGate(config.queries),
  ...(cache === undefined ? {} : { cache }),
  metrics: queryMetrics,
  currency: config.queries.currency,
});
const server = await serveService({
  service: 'metrics',
  routes: app.routes,
  server: config.server,
  logger,
  registry,
});

await runUntilSignal(logger, [
  () => server.stop(),
  async () => stopRetention(),
  () => stopRollups(),
  () => pipeline.stop(),
  () => bus.close(),
  () => orm.close(),
  async () => redis?.disconnect(),
  () => pool.end(),
  () => tracing.shutdown(),
]);
