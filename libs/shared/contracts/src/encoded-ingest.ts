import { create, createFileRegistry, type DescMethodUnary, type Message } from '@bufbuild/protobuf';
import type { GenMessage, GenService } from '@bufbuild/protobuf/codegenv2';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import {
  IngestService,
  type TrackBatchResponseSchema,
  type TrackResponseSchema,
} from './gen/broxiva/analytics/ingest/v1/ingest_pb.js';

/** TrackRequest with its event left encoded: every occurrence of field 1 (they merge when decoded). */
export type EncodedTrackRequest = Message<'broxiva.analytics.ingest.v1.internal.EncodedTrackRequest'> & {
  event: Uint8Array[];
};
/** TrackBatchRequest with each event left encoded. */
export type EncodedTrackBatchRequest =
  Message<'broxiva.analytics.ingest.v1.internal.EncodedTrackBatchRequest'> & { events: Uint8Array[] };

// Wire-compatible with TrackRequest and TrackBatchRequest (field 1, length-delimited), read and written
// as bytes. Built here rather than in proto/: they are a reading of the public contract by the two sides
// that pass events through without decoding them (Ingest's server, the gateway's client), not a contract.
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

/** IngestService's Track and TrackBatch with their events as bytes (same paths, same wire format). */
export const encodedIngestMethods = {
  track: {
    ...IngestService.method.track,
    input: message<EncodedTrackRequest>('EncodedTrackRequest'),
  } as DescMethodUnary<GenMessage<EncodedTrackRequest>, Track['output']>,
  trackBatch: {
    ...IngestService.method.trackBatch,
    input: message<EncodedTrackBatchRequest>('EncodedTrackBatchRequest'),
  } as DescMethodUnary<GenMessage<EncodedTrackBatchRequest>, TrackBatch['output']>,
};

/**
 * IngestService as a client sees it when it sends events it encoded itself (encodeEvent): Track and
 * TrackBatch only, binary formats only (a JSON request of these would carry base64 strings).
 */
export const EncodedIngestService = {
  ...IngestService,
  methods: [encodedIngestMethods.track, encodedIngestMethods.trackBatch],
  method: encodedIngestMethods,
} as unknown as GenService<{
  track: {
    methodKind: 'unary';
    input: GenMessage<EncodedTrackRequest>;
    output: typeof TrackResponseSchema;
  };
  trackBatch: {
    methodKind: 'unary';
    input: GenMessage<EncodedTrackBatchRequest>;
    output: typeof TrackBatchResponseSchema;
  };
}>;
