import { create, createFileRegistry, type DescMethodUnary, type Message } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import type { ConnectRouter, MethodImpl } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { IngestService } from '@broxiva/contracts';

/** TrackRequest with its event left encoded: every occurrence of field 1 (they merge when decoded). */
export type EncodedTrackRequest = Message<'broxiva.analytics.ingest.v1.internal.EncodedTrackRequest'> & {
  event: Uint8Array[];
};
/** TrackBatchRequest with each event left encoded. */
export type EncodedTrackBatchRequest =
  Message<'broxiva.analytics.ingest.v1.internal.EncodedTrackBatchRequest'> & { events: Uint8Array[] };

// Wire-compatible with TrackRequest and TrackBatchRequest (field 1, length-delimited), read as bytes.
// Built here rather than in proto/: they are a server-side reading of the public contract, not a contract.
const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'broxiva/analytics/ingest/v1/internal/encoded_requests.proto',
    package: 'broxiva.analytics.ingest.v1.internal',
    syntax: 'proto3',
    messageType: ['EncodedTrackRequest', 'EncodedTrackBatchRequest'].map((name, i) => ({
      name,
      field: [
        {
          name: i === 0 ? 'event' : 'events',
          jsonName: i === 0 ? 'event' : 'events',
          number: 1,
          type: FieldDescriptorProto_Type.BYTES,
          label: FieldDescriptorProto_Label.REPEATED,
        },
      ],
    })),
  }),
  () => undefined,
);
const message = <T extends Message>(name: string) => {
  const desc = registry.getMessage(`broxiva.analytics.ingest.v1.internal.${name}`);
  if (desc === undefined) throw new Error(`${name} is missing from its descriptor`);
  return desc as GenMessage<T>;
};

type TrackBatch = (typeof IngestService)['method']['trackBatch'];
type Track = (typeof IngestService)['method']['track'];

/** Track and TrackBatch as read from binary requests. */
export const encodedMethods = {
  track: {
    ...IngestService.method.track,
    input: message<EncodedTrackRequest>('EncodedTrackRequest'),
  } as DescMethodUnary<GenMessage<EncodedTrackRequest>, Track['output']>,
  trackBatch: {
    ...IngestService.method.trackBatch,
    input: message<EncodedTrackBatchRequest>('EncodedTrackBatchRequest'),
  } as DescMethodUnary<GenMessage<EncodedTrackBatchRequest>, TrackBatch['output']>,
};

const isJson = (contentType: string | null) => contentType !== null && /json/i.test(contentType);

/**
 * Serves binary requests (gRPC, gRPC-Web and Connect with protobuf) of an already registered method with
 * `impl` for `encodedMethod`, a wire-compatible reading of its request; JSON requests keep the registered
 * handler. Both run behind the router's interceptors. Why: Ingest's callers send protobuf, and keeping
 * each event's bytes lets Ingest publish them without encoding the event again (see event-encoding.ts).
 */
export function serveBinaryAs<M extends DescMethodUnary>(
  router: ConnectRouter,
  encodedMethod: M,
  impl: MethodImpl<M>,
): void {
  const path = `/${encodedMethod.parent.typeName}/${encodedMethod.name}`;
  const at = router.handlers.findIndex((h) => h.requestPath === path);
  const registered = router.handlers[at];
  if (registered === undefined) throw new Error(`serveBinaryAs: ${path} is not registered yet`);
  router.rpc(encodedMethod, impl);
  const binary = router.handlers.pop() as UniversalHandler;
  const both = (req: Parameters<UniversalHandler>[0]) =>
    isJson(req.header.get('Content-Type')) ? registered(req) : binary(req);
  router.handlers[at] = Object.assign(both, {
    protocolNames: registered.protocolNames,
    service: registered.service,
    method: registered.method,
    requestPath: registered.requestPath,
    allowedMethods: registered.allowedMethods,
    supportedContentType: registered.supportedContentType,
  });
}
