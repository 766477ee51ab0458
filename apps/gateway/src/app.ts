import type { Logger } from '@broxiva/telemetry';
import { context } from '@opentelemetry/api';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readJson, type BodyLimits } from './http/body.js';
import { clientIp } from './http/client-ip.js';
import { createCors } from './http/cors.js';
import { sendJson, toHttpError } from './http/http-error.js';
import type { HttpMetrics } from './http/http-metrics.js';
import type { Route } from './http/route.js';
import { createRouter } from './http/router.js';
import { startServerSpan } from './http/server-span.js';

export interface GatewayDeps {
  readonly routes: readonly Route[];
  readonly logger: Logger;
  readonly body: BodyLimits;
  readonly trustedProxyHops: number;
  /** Browser origins allowed by CORS; '*' allows any. */
  readonly corsOrigins: readonly string[] | '*';
  readonly metrics?: HttpMetrics;
  /** Checks the caller may use the route (401/403) and is within its rate (429); throws HttpError. */
  readonly guard?: (req: IncomingMessage, route: Route) => Promise<void>;
  /** Non-API paths (docs assets, the Connect proxy): returns true when it answered. */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

/**
 * The gateway's HTTP listener: CORS, routing, guard, body limits, and every error as a JSON body with
 * the Connect code's HTTP status. Routes only translate; they never see a raw error path.
 */
export function buildApp(deps: GatewayDeps): RequestListener {
  const lookup = createRouter(deps.routes);
  const cors = createCors(deps.corsOrigins);
  const { logger } = deps;

  return (req, res) => {
    const started = process.hrtime.bigint();
    const span = startServerSpan(req);
    let routeLabel = 'unmatched';
    res.once('finish', () => {
      span.end(res.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics?.observe(req.method ?? 'GET', routeLabel, res.statusCode, seconds);
    });
    // A client gone before the answer ended: the span still ends, with what was decided so far.
    res.once('close', () => span.end(res.statusCode));
    const matched = (template: string) => {
      routeLabel = template;
      span.route(template);
    };
    context.with(span.context, () => handle(req, res, matched));
  };

  function handle(req: IncomingMessage, res: ServerResponse, matched: (template: string) => void): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://gateway');

    if (cors(req, res)) return;

    const found = lookup(method, url.pathname);
    if (found.kind !== 'found') {
      if (deps.fallback?.(req, res, url.pathname) === true) return;
      req.resume();
      if (found.kind === 'method') {
        sendJson(
          res,
          405,
          { code: 'unimplemented', message: `${method} is not allowed here` },
          { Allow: found.allowed.join(', ') },
        );
      } else {
        sendJson(res, 404, { code: 'not_found', message: `no route ${method} ${url.pathname}` });
      }
      return;
    }

    const { route, params } = found.match;
    matched(route.path);
    const abort = new AbortController();
    // Only a client gone before the answer cancels the call: aborting after every answer would build an
    // AbortError (a stack trace) and walk Connect's linked signals on each request for nothing.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const run = async () => {
      await deps.guard?.(req, route);
      return route.handle({
        req,
        res,
        params,
        query: url.searchParams,
        clientIp: clientIp(req, deps.trustedProxyHops),
        signal: abort.signal,
        body: () => readJson(req, deps.body),
      });
    };
    run().then(
      (result) => {
        if (result === undefined) return; // the route streamed its own answer
        if (!req.complete) req.resume();
        sendJson(res, result.status, result.body, result.headers);
      },
      (err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const e = toHttpError(err, logger);
        sendJson(res, e.status, e.body, e.headers);
        // A body we stopped reading (413) would otherwise be parsed as the next request.
        if (!req.complete) res.once('finish', () => req.destroy());
      },
    );
  }
}
