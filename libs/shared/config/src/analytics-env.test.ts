import { describe, expect, it } from 'vitest';
import { ConfigError, loadAnalyticsEnv } from './index.js';

describe('loadAnalyticsEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const cfg = loadAnalyticsEnv({});
    expect(cfg).toMatchObject({
      LOG_LEVEL: 'INFO',
      PORT: 8005,
      REDIS_URL: 'redis://localhost:6379/4',
      NATS_URL: 'nats://127.0.0.1:4222',
      EVENT_BATCH_SIZE: 1000,
      EVENT_FLUSH_INTERVAL: 5,
      MAX_EVENT_AGE_DAYS: 90,
      FORECAST_HORIZON_DAYS: 30,
      ANOMALY_SENSITIVITY: 0.95,
      REALTIME_WINDOW_SECONDS: 60,
      ACTIVE_USER_TIMEOUT: 1800,
      SESSION_TIMEOUT: 3600,
      WORKER_THREADS: 4,
      MAX_CONCURRENT_QUERIES: 100,
      QUERY_TIMEOUT: 30,
      ENABLE_FORECASTING: true,
      ENABLE_ANOMALY_DETECTION: true,
      ENABLE_REALTIME_ANALYTICS: true,
      ENABLE_COHORT_ANALYSIS: true,
      ENABLE_FUNNEL_ANALYSIS: true,
      ENABLE_USER_JOURNEY: true,
      SHOP_TIMEZONE: 'UTC',
      SHOP_CURRENCY: 'USD',
      CORS_ORIGINS: '*',
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(cfg.DATABASE_URL).toMatch(/^postgresql:\/\/.*127\.0\.0\.1:5432\//);
    expect(cfg.ANALYTICS_DATABASE_URL).toMatch(/^postgresql:\/\/.*127\.0\.0\.1:5432\//);
    expect(cfg.REDIS_PASSWORD).toBeUndefined();
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('reads given values', () => {
    const cfg = loadAnalyticsEnv({
      LOG_LEVEL: 'debug',
      PORT: '9000',
      ENABLE_FORECASTING: 'false',
      ANOMALY_SENSITIVITY: '0.99',
      EVENT_FLUSH_INTERVAL: '0.5',
      SHOP_TIMEZONE: 'Europe/Berlin',
      SHOP_CURRENCY: 'eur',
      CORS_ORIGINS: 'https://shop.example, https://admin.example:8443',
      OTEL_TRACES_EXPORTER: 'console',
    });
    expect(cfg).toMatchObject({
      LOG_LEVEL: 'DEBUG',
      PORT: 9000,
      ENABLE_FORECASTING: false,
      ANOMALY_SENSITIVITY: 0.99,
      EVENT_FLUSH_INTERVAL: 0.5,
      SHOP_TIMEZONE: 'Europe/Berlin',
      SHOP_CURRENCY: 'EUR',
      CORS_ORIGINS: ['https://shop.example', 'https://admin.example:8443'],
      OTEL_TRACES_EXPORTER: 'console',
    });
  });

  it.each([
    ['PORT', '0', 'must be a whole number from 1 to 65535'],
    ['PORT', 'eighty', 'must be a whole number from 1 to 65535'],
    ['EVENT_BATCH_SIZE', '1.5', 'must be a whole number from 1 to 100000'],
    ['ANOMALY_SENSITIVITY', '1', 'must be a number greater than 0 and less than 1'],
    ['ENABLE_COHORT_ANALYSIS', 'maybe', 'must be true or false'],
    ['LOG_LEVEL', 'LOUD', 'must be one of TRACE, DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL, FATAL'],
    ['REDIS_URL', 'http://localhost', 'must use the redis or rediss scheme'],
    ['DATABASE_URL', 'not a url', 'must be a URL (postgres or postgresql)'],
    ['SHOP_TIMEZONE', 'Mars/Olympus', 'must be an IANA time zone such as UTC or Europe/Berlin'],
    ['SHOP_CURRENCY', 'EURO', 'must be an ISO 4217 code such as USD or EUR'],
    [
      'CORS_ORIGINS',
      'https://ok.example,shop',
      'must list origins such as https://shop.example (not "shop")',
    ],
    ['OTEL_TRACES_EXPORTER', 'jaeger', 'must be one of none, console'],
  ])('refuses %s=%s naming the variable and the rule', (variable, value, rule) => {
    let error: unknown;
    try {
      loadAnalyticsEnv({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ variable, rule }]);
    expect((error as ConfigError).message).toContain(`${variable}: ${rule}`);
  });

  it('reports every wrong variable at once', () => {
    expect(() => loadAnalyticsEnv({ PORT: '-1', WORKER_THREADS: '0' })).toThrow(
      /PORT: must be a whole number[\s\S]*WORKER_THREADS: must be a whole number/,
    );
  });
});
