import {
  analyticsEnvShape,
  busTopologyOptions,
  fraction,
  integer,
  parseEnv,
  text,
  type Env,
} from '@broxiva/config';

/** The only reader of the environment in the Metrics app: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      METRICS_GRPC_PORT: integer(50053, 0, 65535),
      METRICS_HTTP_PORT: integer(8083, 0, 65535),
      /** Seconds between retention runs (dropping partitions older than MAX_EVENT_AGE_DAYS). */
      RETENTION_INTERVAL_SECONDS: integer(3600, 10, 86_400),
      /** Seconds between rollup passes (recomputing dirty hours). */
      ROLLUP_INTERVAL_SECONDS: fraction(2, 0.05, 3600),
      /** Milliseconds a query beyond MAX_CONCURRENT_QUERIES waits for a slot before ResourceExhausted. */
      QUERY_QUEUE_WAIT_MS: integer(1000, 0, 60_000),
      /**
       * Seconds a cached query answer is kept at most; 0 turns the cache off. Answers are invalidated as
       * soon as their buckets change, so this only bounds Redis memory (and staleness should an
       * invalidation be lost while Redis is unreachable).
       */
      QUERY_CACHE_TTL_SECONDS: integer(300, 0, 86_400),
      /** Prefix of every Redis key the app writes, to run several environments on one Redis. */
      METRICS_REDIS_KEY_PREFIX: text(),
    },
    env,
  );
  return Object.freeze({
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    natsUrl: e.NATS_URL,
    topology: busTopologyOptions(e),
    analyticsDatabaseUrl: e.ANALYTICS_DATABASE_URL,
    databaseUrl: e.DATABASE_URL,
    timescaleEnabled: e.TIMESCALE_ENABLED,
    poolMax: Math.max(2, Math.min(e.WORKER_THREADS * 2, 32)),
    server: {
      grpcPort: e.METRICS_GRPC_PORT,
      httpPort: e.METRICS_HTTP_PORT,
      corsOrigins: e.CORS_ORIGINS,
    },
    store: {
      batchSize: e.EVENT_BATCH_SIZE,
      flushIntervalMs: e.EVENT_FLUSH_INTERVAL * 1000,
    },
    rollups: {
      intervalMs: e.ROLLUP_INTERVAL_SECONDS * 1000,
      shopTimeZone: e.SHOP_TIMEZONE,
    },
    redis: {
      url: e.REDIS_URL,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.METRICS_REDIS_KEY_PREFIX ?? 'broxiva:metrics',
    },
    cache: {
      /** 0: no cache. */
      ttlSeconds: e.QUERY_CACHE_TTL_SECONDS,
    },
    queries: {
      maxConcurrent: e.MAX_CONCURRENT_QUERIES,
      maxWaitMs: e.QUERY_QUEUE_WAIT_MS,
      timeoutMs: e.QUERY_TIMEOUT * 1000,
      currency: e.SHOP_CURRENCY,
    },
    retention: {
      maxAgeDays: e.MAX_EVENT_AGE_DAYS,
      intervalMs: e.RETENTION_INTERVAL_SECONDS * 1000,
    },
  });
}

export type MetricsConfig = ReturnType<typeof loadConfig>;
