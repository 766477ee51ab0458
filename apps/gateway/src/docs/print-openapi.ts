import { createLogger } from '@broxiva/telemetry';
import { Registry } from 'prom-client';
import { createServiceClients, createTransports } from '../clients.js';
import { allRoutes } from '../routes/index.js';
import { buildOpenApi } from './openapi.js';

// Prints the OpenAPI document generated from the route table and the contracts (nothing is called).
const none = 'http://127.0.0.1:1';
const clients = createServiceClients(
  createTransports({ ingest: none, realtime: none, metrics: none, insights: none }),
);
const routes = allRoutes({
  clients,
  timeoutMs: 1,
  logger: createLogger({ service: 'openapi', level: 'FATAL' }),
  registry: new Registry(),
});
process.stdout.write(`${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
