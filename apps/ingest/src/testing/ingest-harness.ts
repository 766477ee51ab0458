import { fromBinary } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectBus, provision, type Bus, type Topology } from '@broxiva/bus';
import { destroyTopology, testTopology } from '@broxiva/bus/testing';
import { EventBatchSchema, IngestService, type Event } from '@broxiva/contracts';
import { createEventReader } from '@broxiva/event-store';
import { createRedis } from '@broxiva/redis';
import { withTestPrefix } from '@broxiva/redis/testing';
import { createUserAgentParser } from '@broxiva/ingest-domain';
import { createRpcServer } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createEventPublisher } from '../adapters/nats-event-publisher.js';
import { createRedisDedup } from '../adapters/redis-dedup.js';
import { buildApp } from '../app.js';
import type { IngestServiceDeps } from '../rpc/ingest-service.js';

export interface HarnessOptions {
  readonly natsUrl?: string;
  readonly pool?: Pool;
  readonly now?: () => Date;
  readonly maxEvents?: number;
  readonly maxBytes?: number;
}

/**
 * The Ingest app on real NATS (an isolated test topology) and Redis (a test key prefix), served on free
 * ports, with a gRPC client. `streamEvents()` reads back everything published.
 */
export async function startIngest(o: HarnessOptions = {}) {
  const topo: Topology = testTopology({ dedupWindowMs: 60_000 });
  const bus: Bus = await connectBus({ url: o.natsUrl ?? 'nats://127.0.0.1:4222', name: 'ingest-test' });
  await provision(bus.jsm, topo);
  const keys = withTestPrefix();
  const redis = createRedis({ url: 'redis://127.0.0.1:6379', keyPrefix: keys.prefix, failFast: true });
  const deps: IngestServiceDeps = {
    prepare: {
      rules: {
        maxFutureMs: 3_600_000,
        maxAgeMs: 90 * 86_400_000,
        maxPropertiesBytes: 32 * 1024,
        historicalAfterMs: 86_400_000,
        defaultCurrency: 'USD',
      },
      newId: uuidv7,
      parseUserAgent: createUserAgentParser(),
    },
    batchLimits: { maxEvents: o.maxEvents ?? 1000, maxBytes: o.maxBytes ?? 5 * 1024 * 1024 },
    publish: createEventPublisher({
      js: bus.js,
      isConnected: bus.isConnected,
      topology: topo,
      maxMessageBytes: 512 * 1024,
      maxInFlight: 4,
      timeoutMs: 3000,
    }),
    dedup: createRedisDedup({ redis, windowSeconds: 60 }),
    getEvent: o.pool === undefined ? async () => undefined : createEventReader(o.pool),
    now: o.now ?? (() => new Date()),
  };
  const logger = createLogger({ service: 'ingest-test', level: 'FATAL' });
  const server = createRpcServer({
    routes: buildApp(deps).routes,
    grpcPort: 0,
    httpPort: 0,
    cors: { allowedOrigins: '*' },
    logger,
  });
  await server.start();
  const client: Client<typeof IngestService> = createClient(
    IngestService,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}` }),
  );

  /** Every event on the test stream, in publish order. */
  async function streamEvents(): Promise<Event[]> {
    const info = await bus.jsm.streams.info(topo.streams.events.name);
    const events: Event[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await bus.jsm.streams.getMessage(topo.streams.events.name, { seq });
      if (m !== null) events.push(...fromBinary(EventBatchSchema, m.data).events);
    }
    return events;
  }

  return {
    client,
    server,
    bus,
    topo,
    streamEvents,
    async stop() {
      await server.stop();
      // A test that stopped its private NATS server took the streams with it; asking would only wait for
      // the request's timeout.
      if (bus.isConnected()) await destroyTopology(bus.jsm, topo).catch(() => undefined);
      await bus.close().catch(() => undefined);
      redis.disconnect();
      await keys.cleanup();
    },
  };
}
