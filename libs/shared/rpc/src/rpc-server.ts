import { setMaxListeners } from 'node:events';
import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { Code, ConnectError, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { tracingInterceptor, type Logger } from '@broxiva/telemetry';
import { errorInterceptor } from './error-interceptor.js';
import { createHealthService, type HealthReporter } from './health-service.js';
import { createRequestListener, type CorsOptions, type HttpHandler } from './http-routing.js';
import { closed, listen, trackConnections, within } from './server-lifecycle.js';
import { countUnaryCalls } from './unary-calls.js';

export interface RpcServerOptions {
  readonly routes: (router: ConnectRouter) => void;
  /** HTTP/2 cleartext port for gRPC clients (Connect and gRPC-Web work there too); 0 picks a free one. */
  readonly grpcPort: number;
  /** HTTP/1.1 port for browsers and curl, with CORS; 0 picks a free one. */
  readonly httpPort: number;
  /** Interface to bind; all interfaces when omitted. */
  readonly host?: string;
  readonly cors: CorsOptions;
  readonly logger: Logger;
  /** Plain HTTP routes by exact path (GET /metrics, /healthz), served on both ports. */
  readonly httpHandlers?: Readonly<Record<string, HttpHandler>>;
  /** Run inside tracing and error mapping, so they see the caller's span and their errors get mapped. */
  readonly interceptors?: readonly Interceptor[];
  /** How long stop() waits for running calls before cutting connections; 10 s by default. */
  readonly shutdownTimeoutMs?: number;
}

export interface RpcServer {
  /** The bound ports once started (the options' ports before). */
  readonly grpcPort: number;
  readonly httpPort: number;
  /** grpc.health.v1.Health status; "" is the whole server and starts SERVING. */
  readonly health: HealthReporter;
  start(): Promise<void>;
  /**
   * Graceful stop: health turns NOT_SERVING, no new connections, unary calls may finish, then
   * streams end with Unavailable, and whatever is left after shutdownTimeoutMs is cut.
   */
  stop(): Promise<void>;
}

/** Serves the same Connect handlers (Connect, gRPC, gRPC-Web) on an h2c port and an HTTP/1.1 port. */
export function createRpcServer(options: RpcServerOptions): RpcServer {
  const { logger } = options;
  const shutdown = new AbortController();
  // Every open stream listens for shutdown; thousands of WatchOverview streams are normal, not a leak.
  setMaxListeners(0, shutdown.signal);
  const health = createHealthService();
  const unary = countUnaryCalls();
  const rpc = connectNodeAdapter({
    routes: (router) => {
      health.register(router);
      options.routes(router);
    },
    // Outermost first: tracing sees mapped codes, and mapping logs inside the server span.
    interceptors: [
      tracingInterceptor({ side: 'server' }),
      errorInterceptor(logger),
      unary.interceptor,
      ...(options.interceptors ?? []),
    ],
    shutdownSignal: shutdown.signal,
  });
  const listener = createRequestListener({
    rpc,
    cors: options.cors,
    httpHandlers: options.httpHandlers ?? {},
    logger,
  });
  const http1 = createHttp1Server(listener);
  const http2 = createHttp2Server(listener);
  const connections = trackConnections(http1, http2);
  let ports = { grpc: options.grpcPort, http: options.httpPort };
  let stopping: Promise<void> | undefined;

  async function stop(): Promise<void> {
    const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    health.shutdown();
    const done = Promise.all([closed(http1), closed(http2)]);
    connections.drain();
    await within(unary.idle(), deadline - Date.now());
    // Streams never end on their own: abort their handlers so clients get a clear, retryable code.
    shutdown.abort(new ConnectError('server is shutting down', Code.Unavailable));
    if (!(await within(done, deadline - Date.now()))) {
      logger.warn({ timeoutMs }, 'rpc server: cutting connections still open');
      connections.cut();
      await done;
    }
    logger.info({ grpcPort: ports.grpc, httpPort: ports.http }, 'rpc server stopped');
  }

  return {
    get grpcPort() {
      return ports.grpc;
    },
    get httpPort() {
      return ports.http;
    },
    // Only the reporting half: shutdown belongs to stop().
    health: { setStatus: health.setStatus },
    async start() {
      const bound = await Promise.allSettled([
        listen(http2, options.grpcPort, options.host),
        listen(http1, options.httpPort, options.host),
      ]);
      const [grpc, http] = bound.map((b) => (b.status === 'fulfilled' ? b.value : undefined));
      if (grpc === undefined || http === undefined) {
        // One port taken: free the other too, or a retry would find it taken by ourselves.
        http1.close();
        http2.close();
        throw bound.find((b) => b.status === 'rejected')?.reason;
      }
      ports = { grpc, http };
      logger.info({ grpcPort: grpc, httpPort: http }, 'rpc server listening');
    },
    stop: () => (stopping ??= stop()),
  };
}
