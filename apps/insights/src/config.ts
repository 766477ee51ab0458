import { analyticsEnvShape, integer, parseEnv, url, type Env } from '@broxiva/config';

/** The only reader of the environment in the Insights app: parsed once, frozen, sliced for each part. */
export function loadConfig(env: Env) {
  const e = parseEnv(
    {
      ...analyticsEnvShape,
      INSIGHTS_GRPC_PORT: integer(50054, 0, 65535),
      INSIGHTS_HTTP_PORT: integer(8084, 0, 65535),
      /** The Metrics service (Connect over HTTP/2 cleartext) that serves the rollups. */
      METRICS_URL: url('http://127.0.0.1:50053', ['http', 'https']),
    },
    env,
  );
  return Object.freeze({
    logLevel: e.LOG_LEVEL,
    tracesExporter: e.OTEL_TRACES_EXPORTER,
    metricsUrl: e.METRICS_URL,
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
    },
  });
}

export type InsightsConfig = ReturnType<typeof loadConfig>;
