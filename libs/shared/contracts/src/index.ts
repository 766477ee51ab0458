export * from './gen/broxiva/analytics/common/v1/event_pb.js';
export * from './gen/broxiva/analytics/common/v1/money_pb.js';
export * from './gen/broxiva/analytics/common/v1/series_pb.js';
export * from './gen/broxiva/analytics/ingest/v1/ingest_pb.js';
export * from './gen/broxiva/analytics/insights/v1/insights_pb.js';
export * from './gen/broxiva/analytics/metrics/v1/metrics_pb.js';
export * from './gen/broxiva/analytics/realtime/v1/realtime_pb.js';
export * from './gen/grpc/health/v1/health_pb.js';
export { useNodeTextEncoding } from './node-text-encoding.js';
export { writeBigVarint, writeVarint } from './wire-writer.js';
export { decodeEvent, decodeEventBatch } from './event-reader.js';
export { encodeEvent } from './event-writer.js';
export {
  EncodedIngestService,
  encodedIngestMethods,
  type EncodedTrackBatchRequest,
  type EncodedTrackRequest,
} from './encoded-ingest.js';
