import type { Registry } from 'prom-client';
import type { Logger } from '@broxiva/telemetry';
import { prometheusRoute } from './prometheus-route.js';
import { createRpcServer, type RpcServer, type RpcServerOptions } from './rpc-server.js';

export interface ServeServiceOptions {
  /** The service's name, as in its start-up log line (`<service> serving`). */
  readonly service: string;
  readonly routes: RpcServerOptions['routes'];
  /** The app's ports and CORS allow-list, as its config.ts reads them. */
  readonly server: {
    readonly grpcPort: number;
    readonly httpPort: number;
    readonly corsOrigins: readonly string[] | '*';
  };
  readonly logger: Logger;
  /** Served as Prometheus text at `GET /metrics` on the HTTP port. */
  readonly registry: Registry;
  /** More fields for the start-up log line. */
  readonly logFields?: Readonly<Record<string, unknown>>;
}

/**
 * A service app's server as every composition root starts it: its routes on the h2c and HTTP/1.1 ports,
 * CORS, `/metrics`, then one log line with the ports actually bound (test harnesses read it).
 */
export async function serveService(o: ServeServiceOptions): Promise<RpcServer> {
  const server = createRpcServer({
    routes: o.routes,
    grpcPort: o.server.grpcPort,
    httpPort: o.server.httpPort,
    cors: { allowedOrigins: o.server.corsOrigins },
    logger: o.logger,
    httpHandlers: { '/metrics': prometheusRoute(o.registry) },
  });
  await server.start();
  o.logger.info(
    { grpcPort: server.grpcPort, httpPort: server.httpPort, ...o.logFields },
    `${o.service} serving`,
  );
  return server;
}
