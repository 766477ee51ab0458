import type { AnalyticsEnv } from './analytics-env.js';

/** The bus topology's settings from the environment, in the shape `topology()` of @broxiva/bus takes. */
export function busTopologyOptions(e: AnalyticsEnv) {
  return {
    ...(e.NATS_STREAM_PREFIX === undefined ? {} : { prefix: e.NATS_STREAM_PREFIX }),
    dedupWindowMs: e.DEDUP_WINDOW_SECONDS * 1000,
    eventsMaxBytes: e.EVENTS_STREAM_MAX_GIB * 1024 ** 3,
    eventsMaxAgeMs: e.EVENTS_STREAM_MAX_AGE_HOURS * 3_600_000,
    replicas: e.NATS_STREAM_REPLICAS,
  } as const;
}
