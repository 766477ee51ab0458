import { connectBus, provision, TOPOLOGY } from '@broxiva/bus';
import { pgPool } from '@broxiva/db';
import { createPartitionManager } from '@broxiva/event-store';
import { createRpcServer, runUntilSignal } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { loadConfig } from './config.js';
import { startEventStorePipeline } from './event-store-pipeline.js';
import { migrate } from './migrate.js';
import { scheduleRetention } from './retention.js';
import { createStoreMetrics } from './store-metrics.js';

// Composition root: config → schema → clients → pipeline and server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'metrics', level: config.logLevel });
const tracing = startTracing({ service: 'metrics', exporter: config.tracesExporter });
const applied = await migrate(config.analyticsDatabaseUrl);
if (applied.length > 0) logger.info({ applied }, 'migrations applied');
const pool = pgPool(config.analyticsDatabaseUrl, { max: config.poolMax });
const bus = await connectBus({ url: config.natsUrl, name: 'metrics', logger });
await provision(bus.jsm, TOPOLOGY);
const registry = createMetricsRegistry({ service: 'metrics' });
const storeMetrics = createStoreMetrics(registry);

const pipeline = await startEventStorePipeline({
  js: bus.js,
  topology: TOPOLOGY,
  pool,
  ...config.store,
  logger,
  metrics: storeMetrics,
});
const stopRetention = scheduleRetention({
  partitions: createPartitionManager(pool),
  ...config.retention,
  logger,
});

const server = createRpcServer({
  routes: () => undefined, // MetricsService RPCs are registered as they are built.
  grpcPort: config.server.grpcPort,
  httpPort: config.server.httpPort,
  cors: { allowedOrigins: config.server.corsOrigins },
  logger,
  httpHandlers: {
    '/metrics': async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    },
  },
});
await server.start();
logger.info({ grpcPort: server.grpcPort, httpPort: server.httpPort }, 'metrics serving');

await runUntilSignal(logger, [
  () => server.stop(),
  async () => stopRetention(),
  () => pipeline.stop(),
  () => bus.close(),
  () => pool.end(),
  () => tracing.shutdown(),
]);
