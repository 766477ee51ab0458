import { connectBus, provision, topology } from '@broxiva/bus';
import { createRedis, ready } from '@broxiva/redis';
import { DEFAULT_EMISSION } from '@broxiva/realtime-domain';
import { runUntilSignal, serveService } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { createEventFeed } from './adapters/nats-event-feed.js';
import { createLiveReader } from './adapters/redis-live-reader.js';
import { createLiveWriter } from './adapters/redis-live-writer.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createOverviewHub, realEvery } from './overview-hub.js';
import { createRealtimeMetrics } from './realtime-metrics.js';
import { startRealtimePipeline } from './realtime-pipeline.js';
import { useNodeTextEncoding } from '@broxiva/contracts';

useNodeTextEncoding();

// Composition root: config → clients → pipeline, hub and server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'realtime', level: config.logLevel });
const tracing = startTracing({ service: 'realtime', exporter: config.tracesExporter });
const registry = createMetricsRegistry({ service: 'realtime' });
const now = () => Date.now();
const LIVE_BASE = 'live';
const topo = topology(config.topology);

const stops: (() => Promise<void>)[] = [() => tracing.shutdown()];
let app = buildApp(undefined);
if (config.enabled) {
  const bus = await connectBus({ url: config.natsUrl, name: 'realtime', logger });
  await provision(bus.jsm, topo);
  // Reads get their own connection: on a shared one they would queue behind a backlog's apply scripts.
  const redis = createRedis(config.redis);
  const redisRead = createRedis(config.redis);
  await Promise.all([ready(redis), ready(redisRead)]);
  const reader = createLiveReader({ redis: redisRead, base: LIVE_BASE, ...config.live });
  const hub = createOverviewHub({
    read: reader.overview,
    now,
    every: realEvery,
    policy: DEFAULT_EMISSION,
    onError: (err) => logger.warn({ err }, 'overview poll failed'),
  });
  const metrics = createRealtimeMetrics(registry, () => hub.watchers);
  const pipeline = await startRealtimePipeline({
    js: bus.js,
    topology: topo,
    apply: createLiveWriter({ redis, base: LIVE_BASE, ...config.live }),
    policy: config.policy,
    ...config.consumer,
    now,
    logger,
    onApplied: (report) => {
      metrics.onApplied(report);
      if (report.result.applied > 0) hub.poke();
    },
    onDeadLetter: metrics.onDeadLetter,
  });
  app = buildApp({ reader, hub, feed: createEventFeed({ nc: bus.nc, topology: topo }), now });
  stops.unshift(
    async () => hub.close(),
    () => pipeline.stop(),
    () => bus.close(),
    () => redis.quit().then(() => undefined),
    () => redisRead.quit().then(() => undefined),
  );
} else {
  logger.warn('ENABLE_REALTIME_ANALYTICS=false: every RealtimeService call answers FAILED_PRECONDITION');
}

const server = await serveService({
  service: 'realtime',
  routes: app.routes,
  server: config.server,
  logger,
  registry,
  logFields: { enabled: config.enabled },
});

await runUntilSignal(logger, [() => server.stop(), ...stops]);
