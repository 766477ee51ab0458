import { analyticsEnvShape, busTopologyOptions, integer, parseEnv, text, type Env } from '@broxiva/config';

/** The only reader of the environment in the Ingest app: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      INGEST_GRPC_PORT: integer(50051, 0, 65535),
      INGEST_HTTP_PORT: integer(8081, 0, 65535),
      /** Events older than this (after skew correction) are accepted as historical, not live. */
      HISTORICAL_EVENT_AGE_SECONDS: integer(86_400, 60, 86_400 * 365),
      MAX_BATCH_BYTES: integer(5 * 1024 * 1024, 1024, 64 * 1024 * 1024),
      /** Prefix of the dedup window's keys in Redis (benchmarks and tests give their own). */
      INGEST_REDIS_KEY_PREFIX: text(),
    },
    env,
  );
  return Object.freeze({
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    natsUrl: e.NATS_URL,
    topology: busTopologyOptions(e),
    redis: {
      url: e.REDIS_URL,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.INGEST_REDIS_KEY_PREFIX ?? 'broxiva:ingest',
    },
    analyticsDatabaseUrl: e.ANALYTICS_DATABASE_URL,
    server: {
      grpcPort: e.INGEST_GRPC_PORT,
      httpPort: e.INGEST_HTTP_PORT,
      corsOrigins: e.CORS_ORIGINS,
    },
    dedupWindowSeconds: e.DEDUP_WINDOW_SECONDS,
    rules: {
      maxFutureMs: 3_600_000,
      maxAgeMs: e.MAX_EVENT_AGE_DAYS * 86_400_000,
      maxPropertiesBytes: 32 * 1024,
      historicalAfterMs: e.HISTORICAL_EVENT_AGE_SECONDS * 1000,
      defaultCurrency: e.SHOP_CURRENCY,
    },
    batchLimits: { maxEvents: e.EVENT_BATCH_SIZE, maxBytes: e.MAX_BATCH_BYTES },
    geoipDatabase: e.GEOIP_DATABASE,
  });
}

export type IngestConfig = ReturnType<typeof loadConfig>;
