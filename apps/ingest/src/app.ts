import type { ConnectRouter } from '@connectrpc/connect';
import { IngestService } from '@broxiva/contracts';
import { ingestService, type IngestServiceDeps } from './rpc/ingest-service.js';

/** The Ingest app's RPC routes; tests call this with real or in-memory dependencies. */
export function buildApp(deps: IngestServiceDeps) {
  return {
    routes(router: ConnectRouter): void {
      router.service(IngestService, ingestService(deps));
    },
  };
}
