import {
  analyticsEnvShape,
  busTopologyOptions,
  flag,
  integer,
  parseEnv,
  text,
  type Env,
} from '@broxiva/config';

/** The only reader of the environment in the Realtime app: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      REALTIME_GRPC_PORT: integer(50052, 0, 65535),
      REALTIME_HTTP_PORT: integer(8082, 0, 65535),
      /** Count events flagged as bots in the live numbers (left out by default). */
      REALTIME_INCLUDE_BOTS: flag(false),
      /** The longest an event waits in the consumer before it is applied to Redis. */
      REALTIME_FLUSH_INTERVAL_MS: integer(20, 5, 5_000),
      /**
       * How long an applied event id is remembered (about 100 bytes of Redis per event). A message
       * delivered later than this after ingest is left out of the live numbers rather than risk counting
       * it twice; the event store still has it.
       */
      REALTIME_DEDUP_TTL_SECONDS: integer(3600, 60, 2 * 86_400),
      /** Prefix of every Redis key the app writes, to run several environments on one Redis. */
      REALTIME_REDIS_KEY_PREFIX: text(),
    },
    env,
  );
  return Object.freeze({
    enabled: e.ENABLE_REALTIME_ANALYTICS,
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    natsUrl: e.NATS_URL,
    topology: busTopologyOptions(e),
    redis: {
      url: e.REDIS_URL,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.REALTIME_REDIS_KEY_PREFIX ?? 'broxiva:realtime',
    },
    server: {
      grpcPort: e.REALTIME_GRPC_PORT,
      httpPort: e.REALTIME_HTTP_PORT,
      corsOrigins: e.CORS_ORIGINS,
    },
    consumer: { batchSize: e.EVENT_BATCH_SIZE, flushIntervalMs: e.REALTIME_FLUSH_INTERVAL_MS },
    live: {
      userTimeoutMs: e.ACTIVE_USER_TIMEOUT * 1000,
      sessionTimeoutMs: e.SESSION_TIMEOUT * 1000,
      windowMs: e.REALTIME_WINDOW_SECONDS * 1000,
      timeZone: e.SHOP_TIMEZONE,
      currency: e.SHOP_CURRENCY,
    },
    policy: {
      includeBots: e.REALTIME_INCLUDE_BOTS,
      shopCurrency: e.SHOP_CURRENCY,
      timeZone: e.SHOP_TIMEZONE,
      dedupTtlMs: e.REALTIME_DEDUP_TTL_SECONDS * 1000,
      windowMs: e.REALTIME_WINDOW_SECONDS * 1000,
    },
  });
}

export type RealtimeConfig = ReturnType<typeof loadConfig>;
