import { flag, fraction, integer, oneOf, origins, parseEnv, text, timeZone, url, type Env } from './env.js';

/**
 * Every variable the product documents, with its documented default. Apps parse this once in their
 * config.ts and hand each component only its slice.
 */
export const analyticsEnvShape = {
  LOG_LEVEL: oneOf('INFO', [
    'TRACE',
    'DEBUG',
    'INFO',
    'WARNING',
    'WARN',
    'ERROR',
    'CRITICAL',
    'FATAL',
  ] as const),
  PORT: integer(8005, 1, 65535),
  /** The platform database: saved dashboards and other application state. */
  DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/broxiva', ['postgres', 'postgresql']),
  /** The analytics store: events, rollups, daily_metrics. */
  ANALYTICS_DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/broxiva_analytics', [
    'postgres',
    'postgresql',
  ]),
  REDIS_URL: url('redis://localhost:6379/4', ['redis', 'rediss']),
  REDIS_PASSWORD: text(),
  NATS_URL: url('nats://127.0.0.1:4222', ['nats', 'tls']),
  EVENT_BATCH_SIZE: integer(1000, 1, 100_000),
  /** Seconds. */
  EVENT_FLUSH_INTERVAL: fraction(5, 0, 3600),
  MAX_EVENT_AGE_DAYS: integer(90, 1, 36_500),
  /** Seconds a resent event_id is recognised as a duplicate at ingest. */
  DEDUP_WINDOW_SECONDS: integer(600, 1, 86_400),
  /**
   * Size of the EVENTS stream, in GiB: the backlog kept while a consumer is stalled. 24 h at an average
   * of R events/s needs about R × 86,400 × 450 bytes (16 GiB ≈ 24 h at 440 events/s). JetStream refuses a
   * stream larger than the server's file store (by default 75 % of the disk's free space).
   */
  EVENTS_STREAM_MAX_GIB: integer(16, 1, 1_000_000),
  /** Hours an event stays in the EVENTS stream at most. */
  EVENTS_STREAM_MAX_AGE_HOURS: integer(48, 24, 24 * 365),
  /** Copies of each JetStream stream: 1 on a single server, 3 on a 3-node cluster. */
  NATS_STREAM_REPLICAS: integer(1, 1, 5),
  /** Prefix for stream, consumer and subject names, to run several environments on one NATS. */
  NATS_STREAM_PREFIX: text(),
  TIMESCALE_ENABLED: flag(false),
  ENABLE_FORECASTING: flag(true),
  ENABLE_ANOMALY_DETECTION: flag(true),
  FORECAST_HORIZON_DAYS: integer(30, 1, 3650),
  ANOMALY_SENSITIVITY: fraction(0.95, 0, 1),
  REALTIME_WINDOW_SECONDS: integer(60, 1, 86_400),
  ACTIVE_USER_TIMEOUT: integer(1800, 1, 86_400 * 7),
  SESSION_TIMEOUT: integer(3600, 1, 86_400 * 7),
  WORKER_THREADS: integer(4, 1, 256),
  MAX_CONCURRENT_QUERIES: integer(100, 1, 100_000),
  /** Seconds. */
  QUERY_TIMEOUT: fraction(30, 0, 3600),
  ENABLE_REALTIME_ANALYTICS: flag(true),
  ENABLE_COHORT_ANALYSIS: flag(true),
  ENABLE_FUNNEL_ANALYSIS: flag(true),
  ENABLE_USER_JOURNEY: flag(true),
  /** The shop's time zone for "today" and day buckets. */
  SHOP_TIMEZONE: timeZone('UTC'),
  /** The shop's currency (ISO 4217) for revenue totals. */
  SHOP_CURRENCY: oneOfCurrency(),
  /** Browser origins allowed by CORS on every HTTP/1.1 port: `*` (default) or a comma-separated list. */
  CORS_ORIGINS: origins(),
  /** Where finished trace spans go (trace ids are always in the logs). */
  OTEL_TRACES_EXPORTER: oneOf('none', ['none', 'console'] as const),
  /** Path to a MaxMind/DB-IP .mmdb city or country database; GeoIP is off when unset. */
  GEOIP_DATABASE: text(),
} as const;

function oneOfCurrency() {
  return text().transform((v, ctx) => {
    const code = (v ?? 'USD').toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 4217 code such as USD or EUR' });
    }
    return code;
  });
}

export type AnalyticsEnv = ReturnType<typeof loadAnalyticsEnv>;

/** Parses the whole documented environment; throws ConfigError naming each wrong variable. */
export function loadAnalyticsEnv(env: Env) {
  return parseEnv(analyticsEnvShape, env);
}
