import { create, toBinary } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectBus, eventSubject, provision, type Bus, type RunningConsumer } from '@broxiva/bus';
import { destroyTopology, testTopology } from '@broxiva/bus/testing';
import { EventBatchSchema, RealtimeService, type Event } from '@broxiva/contracts';
import { createRedis, type Redis } from '@broxiva/redis';
import { withTestPrefix } from '@broxiva/redis/testing';
import { DEFAULT_EMISSION } from '@broxiva/realtime-domain';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger, createMetricsRegistry } from '@broxiva/telemetry';
import { createEventFeed } from '../adapters/nats-event-feed.js';
import { createLiveReader } from '../adapters/redis-live-reader.js';
import { createLiveWriter } from '../adapters/redis-live-writer.js';
import { buildApp } from '../app.js';
import { createOverviewHub, realEvery } from '../overview-hub.js';
import { createRealtimeMetrics } from '../realtime-metrics.js';
import { startRealtimePipeline } from '../realtime-pipeline.js';

export interface RealtimeHarnessOptions {
  readonly enabled?: boolean;
  /** Replicas of the app sharing the durable consumer and the Redis keys; 1 by default. */
  readonly replicas?: number;
  readonly timeZone?: string;
  readonly currency?: string;
}

const live = (o: RealtimeHarnessOptions) => ({
  userTimeoutMs: 1_800_000,
  sessionTimeoutMs: 3_600_000,
  windowMs: 60_000,
  timeZone: o.timeZone ?? 'UTC',
  currency: o.currency ?? 'EUR',
});

/**
 * The Realtime app as main.ts wires it, on real NATS (a test topology) and Redis (a test key prefix),
 * served on free ports, with a gRPC client per replica and `publish(events)` standing in for ingest.
 */
export async function startRealtime(o: RealtimeHarnessOptions = {}) {
  const topo = testTopology();
  const bus: Bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'realtime-test' });
  await provision(bus.jsm, topo);
  const keys = withTestPrefix();
  const logger = createLogger({ service: 'realtime-test', level: 'FATAL' });
  const settings = live(o);
  const redisClients: Redis[] = [];
  const pipelines: RunningConsumer[] = [];
  const servers: RpcServer[] = [];
  const hubs: ReturnType<typeof createOverviewHub>[] = [];
  const registries: ReturnType<typeof createMetricsRegistry>[] = [];

  for (let i = 0; i < (o.replicas ?? 1); i++) {
    const redis = createRedis({ url: 'redis://127.0.0.1:6379', keyPrefix: keys.prefix });
    redisClients.push(redis);
    const registry = createMetricsRegistry({ service: 'realtime' });
    registries.push(registry);
    let app = buildApp(undefined);
    if (o.enabled ?? true) {
      const reader = createLiveReader({ redis, base: 'live', ...settings });
      const hub = createOverviewHub({
        read: reader.overview,
        now: Date.now,
        every: realEvery,
        policy: DEFAULT_EMISSION,
      });
      hubs.push(hub);
      const metrics = createRealtimeMetrics(registry, () => hub.watchers);
      pipelines.push(
        await startRealtimePipeline({
          js: bus.js,
          topology: topo,
          apply: createLiveWriter({ redis, base: 'live', ...settings }),
          policy: {
            includeBots: false,
            shopCurrency: settings.currency,
            timeZone: settings.timeZone,
            dedupTtlMs: 3_600_000,
            windowMs: settings.windowMs,
          },
          batchSize: 1000,
          flushIntervalMs: 20,
          now: Date.now,
          logger,
          onApplied: (r) => {
            metrics.onApplied(r);
            if (r.result.applied > 0) hub.poke();
          },
          failureDelayMs: 200,
        }),
      );
      app = buildApp({ reader, hub, feed: createEventFeed({ nc: bus.nc, topology: topo }), now: Date.now });
    }
    const server = createRpcServer({
      routes: app.routes,
      grpcPort: 0,
      httpPort: 0,
      cors: { allowedOrigins: '*' },
      logger,
      shutdownTimeoutMs: 1_000,
      httpHandlers: {
        '/metrics': async (_req, res) => {
          res.setHeader('content-type', registry.contentType);
          res.end(await registry.metrics());
        },
      },
    });
    await server.start();
    servers.push(server);
  }
  const clients: Client<typeof RealtimeService>[] = servers.map((s) =>
    createClient(RealtimeService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${s.grpcPort}` })),
  );

  /** Publishes events as ingest does: one EventBatch message per event type, on its subject. */
  async function publish(events: readonly Event[]): Promise<void> {
    const byType = new Map<string, Event[]>();
    for (const e of events) byType.set(e.eventType, [...(byType.get(e.eventType) ?? []), e]);
    for (const [type, batch] of byType) {
      await bus.js.publish(
        eventSubject(type, topo),
        toBinary(EventBatchSchema, create(EventBatchSchema, { events: batch })),
      );
    }
  }

  return {
    client: clients[0] as Client<typeof RealtimeService>,
    clients,
    servers,
    registries,
    bus,
    topo,
    publish,
    async stop() {
      for (const s of servers) await s.stop();
      for (const h of hubs) h.close();
      for (const p of pipelines) await p.stop();
      await destroyTopology(bus.jsm, topo).catch(() => undefined);
      await bus.close().catch(() => undefined);
      for (const r of redisClients) r.disconnect();
      await keys.cleanup();
    },
  };
}
