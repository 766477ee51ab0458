import { analyticsEnvShape, flag, integer, parseEnv, text, url, type Env } from '@broxiva/config';
import { fileURLToPath } from 'node:url';

const serviceUrl = (fallback: string) => url(fallback, ['http', 'https']);

/** The only reader of the environment in the gateway: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      INGEST_URL: serviceUrl('http://127.0.0.1:50051'),
      REALTIME_URL: serviceUrl('http://127.0.0.1:50052'),
      METRICS_URL: serviceUrl('http://127.0.0.1:50053'),
      INSIGHTS_URL: serviceUrl('http://127.0.0.1:50054'),
      /** Each service's HTTP/1.1 port: the browser's Connect calls are proxied there. */
      INGEST_HTTP_URL: serviceUrl('http://127.0.0.1:8081'),
      REALTIME_HTTP_URL: serviceUrl('http://127.0.0.1:8082'),
      METRICS_HTTP_URL: serviceUrl('http://127.0.0.1:8083'),
      INSIGHTS_HTTP_URL: serviceUrl('http://127.0.0.1:8084'),
      /** The built web dashboard served at `/`; default apps/web/dist of this checkout. */
      WEB_DIST_DIR: text(),
      /** Largest request body in bytes; above it 413. Ingest's own batch limit (5 MB) plus JSON slack. */
      MAX_BODY_BYTES: integer(6 * 1024 * 1024, 1024, 64 * 1024 * 1024),
      /** How many proxies in front of the gateway to trust for X-Forwarded-For; 0 uses the socket. */
      TRUSTED_PROXY_HOPS: integer(0, 0, 16),
      /** Local development only: no write key or token is asked for, and the log says so loudly. */
      AUTH_DISABLED: flag(false),
      /** HS256 secret for read tokens; or JWT_JWKS_URL for RS256. */
      JWT_SECRET: text(),
      JWT_JWKS_URL: text(),
      JWT_ISSUER: text(),
      JWT_AUDIENCE: text(),
      /** Seconds a valid write key is trusted without asking Redis again: how long a revocation may take. */
      WRITE_KEY_CACHE_SECONDS: integer(10, 0, 3600),
      /** Requests per minute per write key or token subject. */
      RATE_LIMIT_PER_MINUTE: integer(60_000, 1, 10_000_000),
      /** Most single events (POST /events/track) arriving together that share one TrackBatch call; 1: never. */
      TRACK_COALESCE_MAX_EVENTS: integer(256, 1, 1000),
      /** Milliseconds a service call may take before the gateway answers 504. */
      UPSTREAM_TIMEOUT_MS: integer(30_000, 100, 600_000),
    },
    env,
  );
  return Object.freeze({
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    port: e.PORT,
    redis: { url: e.REDIS_URL, password: e.REDIS_PASSWORD },
    services: {
      ingest: e.INGEST_URL,
      realtime: e.REALTIME_URL,
      metrics: e.METRICS_URL,
      insights: e.INSIGHTS_URL,
    },
    serviceHttp: {
      ingest: e.INGEST_HTTP_URL,
      realtime: e.REALTIME_HTTP_URL,
      metrics: e.METRICS_HTTP_URL,
      insights: e.INSIGHTS_HTTP_URL,
    },
    webDistDir: e.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    trackCoalesceMaxEvents: e.TRACK_COALESCE_MAX_EVENTS,
    http: {
      maxBodyBytes: e.MAX_BODY_BYTES,
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
      corsOrigins: e.CORS_ORIGINS,
    },
    auth: {
      disabled: e.AUTH_DISABLED,
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      writeKeyCacheMs: e.WRITE_KEY_CACHE_SECONDS * 1000,
    },
  });
}

export type GatewayConfig = ReturnType<typeof loadConfig>;
