import { create, toJson } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { EventSchema, IngestService, TrackBatchRequestSchema, type Event } from '@broxiva/contracts';

export type Transport = 'grpc' | 'connect' | 'rest';

export interface SendResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/**
 * Sends batches of events to Broxiva: TrackBatch over gRPC or Connect (to the Ingest app), or
 * POST /events/batch as JSON (to the gateway). One sender keeps one HTTP/2 session (gRPC, Connect) or a
 * keep-alive agent (REST); run several for concurrency.
 */
export function createEventSender(
  transport: Transport,
  baseUrl: string,
  headers: Record<string, string> = {},
) {
  if (transport === 'rest') {
    return async (events: readonly Event[]): Promise<SendResult> => {
      const body = JSON.stringify(events.map((e) => toJson(EventSchema, e, { useProtoFieldName: true })));
      const res = await fetch(`${baseUrl}/events/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      if (res.status >= 300 && res.status !== 207)
        throw new Error(`POST /events/batch: ${res.status} ${await res.text()}`);
      const json = (await res.json()) as { accepted?: number; duplicates?: number; rejected?: number };
      return { accepted: json.accepted ?? 0, duplicates: json.duplicates ?? 0, rejected: json.rejected ?? 0 };
    };
  }
  const t =
    transport === 'grpc'
      ? createGrpcTransport({ baseUrl })
      : createConnectTransport({ baseUrl, httpVersion: '2', useBinaryFormat: true });
  const client = createClient(IngestService, t);
  return async (events: readonly Event[]): Promise<SendResult> => {
    const res = await client.trackBatch(create(TrackBatchRequestSchema, { events: [...events] }), {
      headers,
    });
    return { accepted: res.accepted, duplicates: res.duplicates, rejected: res.rejected };
  };
}
