import type { ConnectRouter } from '@connectrpc/connect';
import { encodedIngestMethods, IngestService } from '@broxiva/contracts';
import { serveBinaryAs } from './rpc/encoded-requests.js';
import { ingestService, type IngestServiceDeps } from './rpc/ingest-service.js';

/** The Ingest app's RPC routes; tests call this with real or in-memory dependencies. */
export function buildApp(deps: IngestServiceDeps) {
  return {
    routes(router: ConnectRouter): void {
      const ingest = ingestService(deps);
      router.service(IngestService, ingest.service);
      // Binary requests keep each event's bytes, published without encoding the event again.
      serveBinaryAs(router, encodedIngestMethods.track, ingest.encoded.track);
      serveBinaryAs(router, encodedIngestMethods.trackBatch, ingest.encoded.trackBatch);
    },
  };
}
