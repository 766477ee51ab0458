import { createClient, type Client, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  EncodedIngestService,
  Health,
  IngestService,
  InsightsService,
  MetricsService,
  RealtimeService,
} from '@broxiva/contracts';
import { tracingInterceptor } from '@broxiva/telemetry';

export interface ServiceUrls {
  readonly ingest: string;
  readonly realtime: string;
  readonly metrics: string;
  readonly insights: string;
}

export type ServiceName = keyof ServiceUrls;

/** One transport per service, so each also answers grpc.health.v1 for readiness. */
export type ServiceTransports = Readonly<Record<ServiceName, Transport>>;

/**
 * The Connect protocol with binary protobuf over h2c to each service (the port also speaks gRPC), one
 * long-lived HTTP/2 session each, with trace context propagated. Connect rather than gRPC: a unary call
 * is a plain request and response with no envelope or trailers, and measured here took about half the
 * CPU per call of connect-node's gRPC transport (client and server together), on the hottest path.
 */
export function createTransports(urls: ServiceUrls): ServiceTransports {
  const transport = (baseUrl: string) =>
    createConnectTransport({
      baseUrl,
      httpVersion: '2',
      // Binary, and must stay so: events reach Ingest already encoded, as bytes (EncodedIngestService),
      // which the JSON format would send as base64 strings.
      useBinaryFormat: true,
      // No gzip or brotli between the gateway and the services: on the cluster network compressing a
      // 500-result TrackBatch answer costs both sides CPU (it showed in the profile) and saves nothing.
      acceptCompression: [],
      interceptors: [tracingInterceptor({ side: 'client' })],
    });
  return {
    ingest: transport(urls.ingest),
    realtime: transport(urls.realtime),
    metrics: transport(urls.metrics),
    insights: transport(urls.insights),
  };
}

export interface ServiceClients {
  readonly ingest: Client<typeof IngestService>;
  /** Ingest's Track and TrackBatch taking events the gateway encoded itself (encodeEvent). */
  readonly ingestEncoded: Client<typeof EncodedIngestService>;
  readonly realtime: Client<typeof RealtimeService>;
  readonly metrics: Client<typeof MetricsService>;
  readonly insights: Client<typeof InsightsService>;
  readonly health: Readonly<Record<ServiceName, Client<typeof Health>>>;
}

export function createServiceClients(t: ServiceTransports): ServiceClients {
  return {
    ingest: createClient(IngestService, t.ingest),
    ingestEncoded: createClient(EncodedIngestService, t.ingest),
    realtime: createClient(RealtimeService, t.realtime),
    metrics: createClient(MetricsService, t.metrics),
    insights: createClient(InsightsService, t.insights),
    health: {
      ingest: createClient(Health, t.ingest),
      realtime: createClient(Health, t.realtime),
      metrics: createClient(Health, t.metrics),
      insights: createClient(Health, t.insights),
    },
  };
}
