import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MetricsService } from '@broxiva/contracts';
import { runUntilSignal, serveService } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { pgPool } from '@broxiva/db';
import { createBehaviourStore } from './adapters/event-store-behaviour.js';
import { connectBus, topology } from '@broxiva/bus';
import { createRedis, ready } from '@broxiva/redis';
import { createMetricsBreakdownLoader, createMetricsSeriesLoader } from './adapters/metrics-series.js';
import { createAlertPublisher, createAlertSubscriber } from './adapters/nats-alerts.js';
import { createAlertClaims } from './adapters/redis-alert-claims.js';
import { scheduleAnomalyChecks } from './alerts/alert-loop.js';
import { checkAnomalies } from './alerts/anomaly-check.js';
import { buildApp } from './app.js';
import { createConversionModels } from './conversion-models.js';
import { createWorkerConversionTrainer } from './training/conversion-trainer.js';
import { loadConfig } from './config.js';
import { useNodeTextEncoding } from '@broxiva/contracts';

useNodeTextEncoding();

// Composition root: config → clients → app → server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'insights', level: config.logLevel });
const tracing = startTracing({ service: 'insights', exporter: config.tracesExporter });
const registry = createMetricsRegistry({ service: 'insights' });
// The Metrics service's h2c port speaks Connect; HTTP/2 keeps one connection for all queries.
const metrics = createClient(
  MetricsService,
  createConnectTransport({ baseUrl: config.metricsUrl, httpVersion: '2' }),
);

// Insights only reads the event store: every transaction on this pool is read-only.
const analytics = pgPool(readOnly(config.analyticsDatabaseUrl), { max: 4 });

const behaviourStore = createBehaviourStore(analytics);
// Conversion models train on demand and in the background, fitted in a worker thread so RPCs keep being
// answered meanwhile; warm the default horizon (7 days) now.
const trainer = createWorkerConversionTrainer();
const conversion = createConversionModels({
  trainer,
  store: behaviourStore,
  now: () => new Date(),
  settings: config.conversion,
  onError: (err, horizonDays) => logger.warn({ err, horizonDays }, 'conversion model retrain failed'),
});
if (config.behaviour.journeys) {
  conversion.get(7).catch((err: unknown) => logger.warn({ err }, 'conversion model not trained'));
}

const loadSeries = createMetricsSeriesLoader(metrics);
const loadBreakdown = createMetricsBreakdownLoader(metrics);

// Continuous anomaly detection: a check loop publishing de-duplicated alerts on NATS, relayed by WatchAlerts.
const alerting = config.insights.anomalyDetection ? await startAlerting() : undefined;

async function startAlerting() {
  const bus = await connectBus({ url: config.natsUrl, name: 'insights', logger });
  const topo = topology(config.topology);
  const redis = createRedis(config.redis);
  await ready(redis);
  const claims = createAlertClaims(redis);
  const stop = scheduleAnomalyChecks({
    intervalMs: config.alerts.intervalMs,
    logger,
    check: async () => {
      const published = await checkAnomalies({
        loadSeries,
        loadBreakdown,
        claim: claims.claim,
        release: claims.release,
        publish: createAlertPublisher(bus.nc, topo),
        now: () => new Date(),
        sensitivity: config.insights.sensitivity,
      });
      for (const a of published) logger.info({ alert: a.id }, 'anomaly alert published');
    },
  });
  return { bus, redis, stop, subscribe: createAlertSubscriber(bus.nc, topo) };
}

const app = buildApp({
  loadSeries,
  loadBreakdown,
  now: () => new Date(),
  settings: config.insights,
  ...(alerting === undefined ? {} : { alerts: { subscribe: alerting.subscribe } }),
  behaviour: {
    store: behaviourStore,
    now: () => new Date(),
    settings: config.behaviour,
    conversion,
  },
});

const server = await serveService({
  service: 'insights',
  routes: app.routes,
  server: config.server,
  logger,
  registry,
});

await runUntilSignal(logger, [
  () => server.stop(),
  async () => alerting?.stop(),
  async () => alerting?.bus.close(),
  async () => alerting?.redis.disconnect(),
  () => trainer.close(),
  () => analytics.end(),
  () => tracing.shutdown(),
]);

function readOnly(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c default_transaction_read_only=on');
  return u.toString();
}
