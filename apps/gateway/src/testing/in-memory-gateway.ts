import { createRouterTransport, type ConnectRouter } from '@connectrpc/connect';
import { createLogger } from '@broxiva/telemetry';
import { Registry } from 'prom-client';
import { buildApp, type GatewayDeps } from '../app.js';
import { createServiceClients } from '../clients.js';
import { createHttpMetrics } from '../http/http-metrics.js';
import { allRoutes } from '../routes/index.js';
import { serve } from './gateway-server.js';

/** Service implementations in memory, by service: what a test wants each one to answer. */
export type Services = Partial<
  Record<'ingest' | 'realtime' | 'metrics' | 'insights', (router: ConnectRouter) => void>
>;

/** The whole gateway on a free port, over in-memory services: for testing our translation only. */
export async function startInMemoryGateway(services: Services, extra: Partial<GatewayDeps> = {}) {
  const t = (name: keyof Services) => createRouterTransport(services[name] ?? (() => undefined));
  const clients = createServiceClients({
    ingest: t('ingest'),
    realtime: t('realtime'),
    metrics: t('metrics'),
    insights: t('insights'),
  });
  const registry = new Registry();
  const logger = createLogger({ service: 'gateway-test', level: 'FATAL' });
  const routes = allRoutes({ clients, timeoutMs: 5000, logger, registry });
  const server = await serve(
    buildApp({
      routes,
      logger,
      body: { maxBytes: 1024 * 1024, maxDepth: 32 },
      trustedProxyHops: 1,
      corsOrigins: ['https://shop.example'],
      metrics: createHttpMetrics(registry),
      ...extra,
    }),
  );
  return { ...server, routes };
}
