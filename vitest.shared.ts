import { defineConfig } from 'vitest/config';

/**
 * The test settings of every service and library project (each project's vitest.config.ts re-exports
 * them): unit and integration tests beside their sources, time for real PostgreSQL, Redis and NATS, and
 * no OpenTelemetry exporters.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' },
  },
});
