import type { ConnectRouter } from '@connectrpc/connect';
import { IngestService } from '@broxiva/contracts';
import { encodedMethods, serveBinaryAs } from './rpc/encoded-requests.js';
import { ingestService, type IngestServiceDeps } from './rpc/ingest-service.js';

/** The Ingest app's RPC routes; tests call this with real or in-memory dependencies. */
export function buildApp(deps: IngestServiceDeps) {
  return {
    routes(router: ConnectRouter): void {
      const ingest = ingestService(deps);
      router.service(IngestService, ingest.service);
      // Binary requests keep each event's bytes, published without encoding the event again.
      serveBinaryAs(router, encodedMethods.track, ingest.encoded.track);
      serveBinaryAs(router, encodedMethods.trackBatch, ingest.encoded.trackBatch);
    },
  };
}
