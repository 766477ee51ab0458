import { startAppProcess } from '@broxiva/rpc/testing';

export interface IngestProcessOptions {
  readonly natsUrl: string;
  readonly analyticsDatabaseUrl?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The real Ingest app as a black box, in a child process on free ports. The gateway never imports
 * another app's code, its tests neither.
 */
export async function startIngestProcess(
  o: IngestProcessOptions,
): Promise<{ url: string; output: readonly string[]; stop(): Promise<void> }> {
  const app = await startAppProcess('ingest', {
    INGEST_GRPC_PORT: '0',
    INGEST_HTTP_PORT: '0',
    NATS_URL: o.natsUrl,
    // Ingest keys its dedup window under its own prefix; a test database number keeps them apart.
    REDIS_URL: 'redis://127.0.0.1:6379/15',
    DEDUP_WINDOW_SECONDS: '60',
    ANALYTICS_DATABASE_URL: o.analyticsDatabaseUrl ?? 'postgresql://postgres@127.0.0.1:5432/test',
    LOG_LEVEL: 'INFO',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...o.env,
  });
  return { url: `http://127.0.0.1:${app.grpcPort}`, output: app.output, stop: () => app.stop() };
}
