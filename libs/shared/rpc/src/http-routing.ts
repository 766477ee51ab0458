import { cors as connectCors } from '@connectrpc/connect';
import type { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from '@broxiva/telemetry';
import { violationsMetadataKey } from './error-mapping.js';

// connect-node does not export its request types: the ones its handler takes serve both node:http and node:http2.
type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
export type NodeServerRequest = Parameters<NodeHandlerFn>[0];
export type NodeServerResponse = Parameters<NodeHandlerFn>[1];

/** A plain HTTP route (GET /metrics, /healthz): anything that is not an RPC. */
export type HttpHandler = (req: NodeServerRequest, res: NodeServerResponse) => void | Promise<void>;

export interface CorsOptions {
  /** Origins browsers may call from, e.g. `https://shop.example`; '*' allows any. */
  readonly allowedOrigins: readonly string[] | '*';
  /** Request headers the app reads beyond Connect's own (e.g. `Authorization`). */
  readonly allowedHeaders?: readonly string[];
  /** Response headers browser code may read beyond Connect's own. */
  readonly exposedHeaders?: readonly string[];
}

export interface RequestListenerOptions {
  readonly rpc: NodeHandlerFn;
  readonly cors: CorsOptions;
  readonly httpHandlers: Readonly<Record<string, HttpHandler>>;
  readonly logger: Logger;
}

/**
 * One listener for both ports: CORS headers (with Connect's lists of methods and headers, so
 * Connect and gRPC-Web work from browsers), preflights answered here, plain HTTP routes by exact
 * path, and everything else to the Connect handler.
 */
export function createRequestListener(options: RequestListenerOptions): NodeHandlerFn {
  const { cors, httpHandlers, logger, rpc } = options;
  const allowMethods = connectCors.allowedMethods.join(', ');
  const allowHeaders = [...connectCors.allowedHeaders, ...(cors.allowedHeaders ?? [])].join(', ');
  // Our own error metadata too, or browser code could not read the field violations of a Connect error.
  const exposed = [...connectCors.exposedHeaders, violationsMetadataKey, ...(cors.exposedHeaders ?? [])];
  const exposeHeaders = exposed.join(', ');

  return (req, res) => {
    const origin = allowedOrigin(cors.allowedOrigins, req.headers.origin);
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // The answer depends on Origin whenever it echoes it: caches must not share it across origins.
      if (origin !== '*') res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // A disallowed origin gets a bare 204: without Allow-* headers the browser refuses the call.
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Methods', allowMethods);
        res.setHeader('Access-Control-Allow-Headers', allowHeaders);
        res.setHeader('Access-Control-Max-Age', '7200');
      }
      res.writeHead(204);
      res.end();
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = Object.hasOwn(httpHandlers, path) ? httpHandlers[path] : undefined;
    if (handler === undefined) return rpc(req, res);
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        logger.error({ err, path }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error');
      });
  };
}

function allowedOrigin(allowed: readonly string[] | '*', origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (allowed === '*') return '*';
  return allowed.includes(origin) ? origin : undefined;
}
