import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { GetEventResponseSchema, IngestService } from '@broxiva/contracts';
import { createMetricsRegistry } from '@broxiva/telemetry';
import { createRpcServer, NotFoundError, prometheusRoute, type RpcServer } from './index.js';
import { memoryLogger } from './test-support.js';

export const allowedOrigin = 'https://shop.example';

export interface TestServer {
  readonly server: RpcServer;
  /** What the server logged, as parsed JSON lines. */
  readonly lines: Record<string, unknown>[];
  /** Lets calls for event 'hang' return (they ignore shutdown until then). */
  release(): void;
  /** Resolves once `n` calls in all have entered the handler: a test's calls are then surely running. */
  entered(n: number): Promise<void>;
}

/**
 * A started server on free ports of 127.0.0.1 with IngestService.GetEvent: 'e1' is found at once,
 * 'slow' after 300 ms, 'hang' when released, anything else is NotFound. Plain routes: /metrics, /healthz.
 */
export async function startTestServer(shutdownTimeoutMs = 5_000): Promise<TestServer> {
  let release: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => (release = resolve));
  const registry = createMetricsRegistry({ service: 'rpc-test' });
  const { logger, lines } = memoryLogger();
  let inside = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const enter = () => {
    inside++;
    for (const w of waiters.filter((x) => x.n <= inside)) w.resolve();
  };
  const server = createRpcServer({
    routes: (router) =>
      router.service(IngestService, {
        async getEvent(req) {
          enter();
          if (req.eventId === 'slow') await sleep(300);
          if (req.eventId === 'hang') await hung;
          if (req.eventId === 'e1' || req.eventId === 'slow' || req.eventId === 'hang') {
            return create(GetEventResponseSchema, { event: { eventId: req.eventId } });
          }
          throw new NotFoundError(`event ${req.eventId} not found`);
        },
      }),
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    cors: { allowedOrigins: [allowedOrigin], allowedHeaders: ['Authorization'] },
    logger,
    shutdownTimeoutMs,
    httpHandlers: {
      '/metrics': prometheusRoute(registry),
      '/healthz': (_req, res) => {
        res.end('ok');
      },
    },
  });
  await server.start();
  return {
    server,
    lines,
    release: () => release(),
    entered: (n) =>
      inside >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}
