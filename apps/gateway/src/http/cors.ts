import { violationsMetadataKey } from '@broxiva/rpc';
import { cors as connectCors } from '@connectrpc/connect';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a browser may send: our credentials, W3C trace context, and every header the Connect, gRPC-Web
 * and gRPC protocols use (Connect's own list), since the Connect proxy paths share this origin.
 */
const ALLOW_HEADERS = [
  ...new Set(['Authorization', 'X-API-Key', 'Traceparent', 'Tracestate', ...connectCors.allowedHeaders]),
].join(', ');
const ALLOW_METHODS = [...new Set(['GET', 'POST', 'PUT', 'DELETE', ...connectCors.allowedMethods])].join(
  ', ',
);
/** What a browser script may read: Retry-After and the Connect/gRPC status and violation headers. */
const EXPOSE_HEADERS = [
  ...new Set(['Retry-After', ...connectCors.exposedHeaders, violationsMetadataKey]),
].join(', ');

/**
 * CORS for the REST routes and the Connect proxy paths alike. Sets the headers an allowed Origin gets
 * (none for any other origin) and answers a preflight; returns true when it did (204).
 */
export function createCors(
  origins: readonly string[] | '*',
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const allowed = origins === '*' ? '*' : origins.includes(origin) ? origin : undefined;
    // The answer depends on Origin whenever there is an allow-list, allowed or not (shared caches).
    if (origins !== '*') res.setHeader('Vary', 'Origin');
    if (allowed !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
      res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    if (allowed !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '7200');
    }
    res.writeHead(204).end();
    return true;
  };
}
