import { connectBus, provision, topology } from '@broxiva/bus';
import { pgPool } from '@broxiva/db';
import { createEventReader } from '@broxiva/event-store';
import { createRedis, ready } from '@broxiva/redis';
import { createUserAgentParser } from '@broxiva/ingest-domain';
import { runUntilSignal, serveService } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, injectTraceHeaders, startTracing } from '@broxiva/telemetry';
import { v7 as uuidv7 } from 'uuid';
import { openGeoLookup } from './adapters/geoip-lookup.js';
import { createEventPublisher } from './adapters/nats-event-publisher.js';
import { createRedisDedup } from './adapters/redis-dedup.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { useNodeTextEncoding } from '@broxiva/contracts';

useNodeTextEncoding();

// Composition root: config → clients → app → server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'ingest', level: config.logLevel });
const tracing = startTracing({ service: 'ingest', exporter: config.tracesExporter });
const bus = await connectBus({ url: config.natsUrl, name: 'ingest', logger });
const topo = topology(config.topology);
await provision(bus.jsm, topo);
const redis = createRedis({ ...config.redis, failFast: true });
await ready(redis);
const pool = pgPool(config.analyticsDatabaseUrl, { max: 4 });
const geo = config.geoipDatabase === undefined ? undefined : await openGeoLookup(config.geoipDatabase);
if (geo === undefined) logger.info('GEOIP_DATABASE is not set: country and region are what clients send');
const registry = createMetricsRegistry({ service: 'ingest' });
const metrics = createIngestMetrics(registry);

const app = buildApp({
  prepare: { rules: config.rules, newId: uuidv7, parseUserAgent: createUserAgentParser(), geo },
  batchLimits: config.batchLimits,
  publish: createEventPublisher({
    js: bus.js,
    isConnected: bus.isConnected,
    topology: topo,
    maxMessageBytes: Math.min(bus.nc.info?.max_payload ?? 1024 * 1024, 1024 * 1024) - 4096,
    maxInFlight: 4,
    inject: (set) => injectTraceHeaders(set),
  }),
  dedup: createRedisDedup({ redis, windowSeconds: config.dedupWindowSeconds, onError: metrics.onDedupError }),
  getEvent: createEventReader(pool),
  now: () => new Date(),
  onResult: metrics.onResult,
});

const server = await serveService({
  service: 'ingest',
  routes: app.routes,
  server: config.server,
  logger,
  registry,
});

await runUntilSignal(logger, [
  () => server.stop(),
  () => bus.close(),
  () => redis.quit().then(() => undefined),
  () => pool.end(),
  () => tracing.shutdown(),
]);
