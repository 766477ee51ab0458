import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MetricsService } from '@broxiva/contracts';
import { createRpcServer, runUntilSignal, prometheusRoute } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { pgPool } from '@broxiva/db';
import { createBehaviourStore } from './adapters/event-store-behaviour.js';
import { createMetricsSeriesLoader } from './adapters/metrics-series.js';
import { buildApp } from './app.js';
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

const app = buildApp({
  loadSeries: createMetricsSeriesLoader(metrics),
  now: () => new Date(),
  settings: config.insights,
  behaviour: {
    store: createBehaviourStore(analytics),
    now: () => new Date(),
    settings: config.behaviour,
  },
});

const server = createRpcServer({
  routes: app.routes,
  grpcPort: config.server.grpcPort,
  httpPort: config.server.httpPort,
  cors: { allowedOrigins: config.server.corsOrigins },
  logger,
  httpHandlers: { '/metrics': prometheusRoute(registry) },
});
await server.start();
logger.info({ grpcPort: server.grpcPort, httpPort: server.httpPort }, 'insights serving');

await runUntilSignal(logger, [() => server.stop(), () => analytics.end(), () => tracing.shutdown()]);

function readOnly(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c default_transaction_read_only=on');
  return u.toString();
}
