import type { CacheResult } from '@broxiva/metrics-data-access';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type QueryOutcome = 'ok' | 'invalid' | 'overloaded' | 'timeout' | 'error';

/** Query load and rollup freshness, with the product's documented metric names. */
export function createQueryMetrics(registry: Registry, rollupLag: () => Promise<number>) {
  const duration = new Histogram({
    name: 'analytics_query_duration_seconds',
    help: 'Duration of metric queries (QueryMetrics, summaries, dashboard evaluation)',
    labelNames: ['rpc'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const total = new Counter({
    name: 'analytics_queries_total',
    help: 'Metric queries by RPC and outcome',
    labelNames: ['rpc', 'outcome'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'analytics_query_cache_total',
    help: 'Query cache lookups: hit (served from Redis), miss (computed, stored), bypass (asked to skip), error (Redis failed; computed)',
    labelNames: ['result'],
    registers: [registry],
  });
  new Gauge({
    name: 'analytics_rollup_lag_seconds',
    help: 'Age of the oldest event change not yet in the rollups (0 when current)',
    registers: [registry],
    async collect() {
      this.set(await rollupLag());
    },
  });
  return {
    observe(rpc: string, outcome: QueryOutcome, seconds: number): void {
      total.inc({ rpc, outcome });
      if (outcome === 'ok') duration.observe({ rpc }, seconds);
    },
    onCache(result: CacheResult): void {
      cache.inc({ result });
    },
  };
}

export type QueryMetrics = ReturnType<typeof createQueryMetrics>;
