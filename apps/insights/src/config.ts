import {
  analyticsEnvShape,
  busTopologyOptions,
  integer,
  parseEnv,
  text,
  url,
  type Env,
} from '@broxiva/config';

/** The only reader of the environment in the Insights app: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      INSIGHTS_GRPC_PORT: integer(50054, 0, 65535),
      INSIGHTS_HTTP_PORT: integer(8084, 0, 65535),
      /** The Metrics service (Connect over HTTP/2 cleartext) that serves the rollups. */
      METRICS_URL: url('http://127.0.0.1:50053', ['http', 'https']),
      /**
       * Seconds between continuous anomaly checks (orders, revenue, sessions on the last complete hourly
       * rollup) when ENABLE_ANOMALY_DETECTION is true; alerts go to NATS `analytics.alerts.anomaly.<metric>`.
       */
      ANOMALY_CHECK_INTERVAL_SECONDS: integer(60, 5, 86_400),
      /** Prefix of every Redis key the app writes (alert de-duplication), to run several environments on one Redis. */
      INSIGHTS_REDIS_KEY_PREFIX: text(),
      /** Minutes a trained conversion model is served before it is retrained (in the background). */
      CONVERSION_MODEL_REFRESH_MINUTES: integer(60, 1, 10_080),
      /** Days of behaviour before the cutoff that make a user's conversion features. */
      CONVERSION_LOOKBACK_DAYS: integer(90, 1, 730),
      /** Users the conversion model is fitted on at most (a seeded random sample beyond). */
      CONVERSION_MAX_TRAINING_USERS: integer(200_000, 100, 5_000_000),
    },
    env,
  );
  return Object.freeze({
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    metricsUrl: e.METRICS_URL,
    natsUrl: e.NATS_URL,
    topology: busTopologyOptions(e),
    redis: {
      url: e.REDIS_URL,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.INSIGHTS_REDIS_KEY_PREFIX ?? 'broxiva:insights',
    },
    alerts: {
      intervalMs: e.ANOMALY_CHECK_INTERVAL_SECONDS * 1000,
    },
    /** The event store, read-only (in production a read replica). */
    analyticsDatabaseUrl: e.ANALYTICS_DATABASE_URL,
    server: {
      grpcPort: e.INSIGHTS_GRPC_PORT,
      httpPort: e.INSIGHTS_HTTP_PORT,
      corsOrigins: e.CORS_ORIGINS,
    },
    insights: {
      forecasting: e.ENABLE_FORECASTING,
      anomalyDetection: e.ENABLE_ANOMALY_DETECTION,
      horizonDays: e.FORECAST_HORIZON_DAYS,
      sensitivity: e.ANOMALY_SENSITIVITY,
    },
    behaviour: {
      cohorts: e.ENABLE_COHORT_ANALYSIS,
      funnels: e.ENABLE_FUNNEL_ANALYSIS,
      journeys: e.ENABLE_USER_JOURNEY,
      sessionTimeoutSeconds: e.SESSION_TIMEOUT,
      timeZone: e.SHOP_TIMEZONE,
    },
    conversion: {
      refreshMinutes: e.CONVERSION_MODEL_REFRESH_MINUTES,
      lookbackDays: e.CONVERSION_LOOKBACK_DAYS,
      maxTrainingUsers: e.CONVERSION_MAX_TRAINING_USERS,
    },
  });
}

export type InsightsConfig = ReturnType<typeof loadConfig>;
