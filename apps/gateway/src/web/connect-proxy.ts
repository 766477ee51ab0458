import { injectTraceHeaders, type Logger } from '@broxiva/telemetry';
import {
  Agent,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { ServiceName, ServiceUrls } from '../clients.js';
import { clientIp } from '../http/client-ip.js';
import { HttpError, toHttpError, type ErrorBody } from '../http/http-error.js';
import type { Access, Route } from '../http/route.js';
import { Code } from '@connectrpc/connect';

export interface ConnectProxyDeps {
  /** Each service's HTTP/1.1 port (Connect, gRPC-Web), e.g. http://127.0.0.1:8082. */
  readonly services: ServiceUrls;
  readonly logger: Logger;
  readonly trustedProxyHops: number;
  /** The REST routes' guard: the same tokens, roles and rates apply to the proxied calls. */
  readonly guard?: (req: IncomingMessage, route: Route) => Promise<void>;
}

/** `/broxiva.analytics.<area>.v1.<Service>/<Method>`: the area names the service that answers. */
const RPC_PATH = /^\/broxiva\.analytics\.(ingest|realtime|metrics|insights)\.v1\.([A-Za-z]+)\/([A-Za-z]+)$/;
/** Saved-dashboard writes need admin, as on the REST routes; ingest takes a write key; the rest is read. */
const ADMIN_METHODS = new Set(['CreateDashboard', 'UpdateDashboard', 'DeleteDashboard']);
// Hop-by-hop headers (RFC 9110 7.6.1) stay on their own connection; CORS is the gateway's to answer.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * The browser's Connect (and gRPC-Web) calls, proxied from the gateway's origin to the service's HTTP/1.1
 * port behind the same guard as the REST read routes. Bodies are piped both ways as they come, so a server
 * stream (WatchOverview) reaches the browser message by message. A service that cannot be reached answers
 * `unavailable` naming it, in the Connect protocol's own error shape, so the browser client reads it.
 */
export function connectProxyHandler(
  deps: ConnectProxyDeps,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const agent = new Agent({ keepAlive: true });
  return (req, res, path) => {
    const m = RPC_PATH.exec(path);
    if (m === null || (req.method !== 'POST' && req.method !== 'GET')) return false;
    const service = m[1] as ServiceName;
    const method = m[3] as string;
    const access: Access = service === 'ingest' ? 'write' : ADMIN_METHODS.has(method) ? 'admin' : 'read';
    const route = proxyRoute(path, access);
    const guarded = deps.guard === undefined ? Promise.resolve() : deps.guard(req, route);
    guarded.then(
      () => forward(req, res, service, deps, agent),
      (err: unknown) => {
        const e = toHttpError(err, deps.logger);
        sendConnectError(req, res, e.status, e.body, e.headers);
      },
    );
    return true;
  };
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  service: ServiceName,
  deps: ConnectProxyDeps,
  agent: Agent,
): void {
  const target = new URL(req.url ?? '/', deps.services[service]);
  const headers = strip(req.headers);
  const ip = clientIp(req, deps.trustedProxyHops);
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? ip : `${String(prior)}, ${ip}`;
  // The gateway's server span (the browser's traceparent is its parent) becomes the service call's parent.
  injectTraceHeaders((key, value) => (headers[key] = value));
  const upstream = request(target, { method: req.method, headers, agent });
  upstream.on('response', (up) => {
    const out = strip(up.headers);
    for (const k of Object.keys(out)) if (k.startsWith('access-control-') || k === 'vary') delete out[k];
    res.writeHead(up.statusCode ?? 502, out);
    res.flushHeaders();
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    req.resume();
    const reason = err.code ?? err.message;
    sendConnectError(
      req,
      res,
      503,
      { code: 'unavailable', message: `${service} service unavailable (${reason})` },
      { 'Retry-After': '1' },
    );
  });
  // The browser went away (a closed tab, an aborted stream): so does the upstream call.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function strip(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

function proxyRoute(path: string, access: Access): Route {
  return {
    method: 'POST',
    path,
    access,
    tag: 'connect',
    summary: 'Connect proxy',
    handle: () => Promise.reject(new HttpError(500, Code.Internal, 'not a REST route')),
  };
}

/**
 * An error the gateway decided itself, as the Connect protocol carries it: for a streaming call (content
 * type `application/connect+…`) an HTTP 200 whose only message is the end-of-stream frame holding the
 * error; for a unary call the HTTP status with `{code, message}`.
 */
export function sendConnectError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: ErrorBody,
  headers: Readonly<Record<string, string>> = {},
): void {
  const type = req.headers['content-type'] ?? '';
  if (!req.complete) req.resume();
  if (/^application\/connect\+/i.test(type)) {
    const json = Buffer.from(JSON.stringify({ error: { code: body.code, message: body.message } }));
    const frame = Buffer.alloc(5 + json.length);
    frame.writeUInt8(0b10, 0); // end-of-stream flag
    frame.writeUInt32BE(json.length, 1);
    json.copy(frame, 5);
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': frame.length });
    res.end(frame);
    return;
  }
  const payload = JSON.stringify({ code: body.code, message: body.message });
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
