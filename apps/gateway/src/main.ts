import { createRedis, ready } from '@broxiva/redis';
import { runUntilSignal } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry, startTracing } from '@broxiva/telemetry';
import { createRemoteJWKSet } from 'jose';
import { createServer } from 'node:http';
import { buildApp } from './app.js';
import { createGuard } from './auth/guard.js';
import { cacheKeyLookups } from './auth/key-cache.js';
import { createRateLimiter } from './auth/rate-limit.js';
import { createWriteKeys } from './auth/write-keys.js';
import { createServiceClients, createTransports } from './clients.js';
import { loadConfig } from './config.js';
import { docsHandler } from './docs/docs-handler.js';
import { createHttpMetrics } from './http/http-metrics.js';
import { buildOpenApi } from './docs/openapi.js';
import { allRoutes } from './routes/index.js';
import { connectProxyHandler } from './web/connect-proxy.js';
import { firstOf } from './web/fallbacks.js';
import { webBundleHandler } from './web/web-bundle.js';
import { useNodeTextEncoding } from '@broxiva/contracts';

useNodeTextEncoding();

// Composition root: config → clients → routes → server; shut down in reverse order.
const config = loadConfig(process.env);
const logger = createLogger({ service: 'gateway', level: config.logLevel });
const tracing = startTracing({ service: 'gateway', exporter: config.tracesExporter });
const redis = createRedis({ ...config.redis, keyPrefix: 'broxiva:gateway', failFast: true });
await ready(redis);
const registry = createMetricsRegistry({ service: 'gateway' });
const clients = createServiceClients(createTransports(config.services));
const routes = allRoutes({
  clients,
  timeoutMs: config.upstreamTimeoutMs,
  coalesceMaxEvents: config.trackCoalesceMaxEvents,
  logger,
  registry,
  probes: { redis: async () => void (await redis.ping()) },
});

let guard;
if (config.auth.disabled) {
  logger.warn('AUTH_DISABLED=true: EVERY ROUTE IS OPEN, NO KEY OR TOKEN IS CHECKED. LOCAL DEVELOPMENT ONLY.');
} else {
  const { jwtSecret, jwksUrl, issuer, audience } = config.auth;
  if (
    (jwtSecret === undefined) === (jwksUrl === undefined) ||
    issuer === undefined ||
    audience === undefined
  ) {
    throw new Error(
      'auth: set JWT_ISSUER, JWT_AUDIENCE and exactly one of JWT_SECRET (HS256) or JWT_JWKS_URL (RS256), ' +
        'or AUTH_DISABLED=true for local development',
    );
  }
  const key =
    jwtSecret !== undefined
      ? new TextEncoder().encode(jwtSecret)
      : createRemoteJWKSet(new URL(jwksUrl ?? ''));
  guard = createGuard({
    writeKeys: {
      lookup: cacheKeyLookups(createWriteKeys(redis).lookup, { ttlMs: config.auth.writeKeyCacheMs }),
    },
    jwt: { key, issuer, audience },
    rateLimit: createRateLimiter(redis, config.auth.ratePerMinute),
  });
}

const openapi = buildOpenApi(routes);
const server = createServer(
  { keepAliveTimeout: 65_000 },
  buildApp({
    routes,
    logger,
    body: { maxBytes: config.http.maxBodyBytes, maxDepth: 64 },
    trustedProxyHops: config.http.trustedProxyHops,
    corsOrigins: config.http.corsOrigins,
    metrics: createHttpMetrics(registry),
    ...(guard === undefined ? {} : { guard }),
    fallback: firstOf(
      docsHandler(openapi),
      connectProxyHandler({
        services: config.serviceHttp,
        logger,
        trustedProxyHops: config.http.trustedProxyHops,
        ...(guard === undefined ? {} : { guard }),
      }),
      webBundleHandler(config.webDistDir),
    ),
  }),
);
await new Promise<void>((resolve) => server.listen(config.port, resolve));
logger.info(
  {
    port: config.port,
    services: config.services,
    serviceHttp: config.serviceHttp,
    web: config.webDistDir,
    authDisabled: config.auth.disabled,
  },
  'gateway serving',
);

await runUntilSignal(logger, [
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  () => redis.quit().then(() => undefined),
  () => tracing.shutdown(),
]);
