import { createLogger } from '@broxiva/telemetry';
import { buildApp } from '../app.js';
import { createServiceClients, createTransports } from '../clients.js';
import { eventRoutes } from '../routes/events.js';
import { serve } from './gateway-server.js';

/** The gateway's event routes (auth off) on a free port, calling Ingest at `ingestUrl`. */
export async function startEventsGateway(
  ingestUrl: string,
  o: { trustedProxyHops?: number; maxBodyBytes?: number } = {},
) {
  const closed = 'http://127.0.0.1:1';
  const clients = createServiceClients(
    createTransports({ ingest: ingestUrl, realtime: closed, metrics: closed, insights: closed }),
  );
  const logger = createLogger({ service: 'gateway-test', level: 'FATAL' });
  return serve(
    buildApp({
      routes: eventRoutes({
        ingest: clients.ingest,
        ingestEncoded: clients.ingestEncoded,
        timeoutMs: 10_000,
      }),
      logger,
      body: { maxBytes: o.maxBodyBytes ?? 6 * 1024 * 1024, maxDepth: 32 },
      trustedProxyHops: o.trustedProxyHops ?? 0,
      corsOrigins: '*',
    }),
  );
}
