import { create } from '@bufbuild/protobuf';
import { ConnectError, type Client } from '@connectrpc/connect';
import {
  GetActiveUsersResponseSchema,
  GetConversionsResponseSchema,
  ListActiveSessionsRequestSchema,
  ListActiveSessionsResponseSchema,
  OverviewSchema,
  type RealtimeService,
} from '@broxiva/contracts';
import type { Logger } from '@broxiva/telemetry';
import { toHttpError } from '../http/http-error.js';
import { paramsOf, parseQuery, type Route, type RouteContext } from '../http/route.js';
import { toRest } from '../rest-json.js';
import { readRoute } from '../http/read-route.js';

export interface RealtimeRoutesDeps {
  readonly realtime: Client<typeof RealtimeService>;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

const sessionParams = paramsOf(ListActiveSessionsRequestSchema, ['page_size', 'page_token']);

/** GET /realtime/*: RealtimeService, plus GET /realtime/stream, WatchOverview as Server-Sent Events. */
export function realtimeRoutes(deps: RealtimeRoutesDeps): Route[] {
  const opts = (ctx: RouteContext) => ({ signal: ctx.signal, timeoutMs: deps.timeoutMs });
  const noQuery = (ctx: RouteContext) => parseQuery([], ctx.query);
  return [
    {
      method: 'GET',
      path: '/realtime/overview',
      access: 'read',
      tag: 'realtime',
      summary: 'Live KPIs: active users and sessions, orders, revenue, average cart value, conversion rate.',
      response: { message: OverviewSchema },
      async handle(ctx) {
        noQuery(ctx);
        const { overview } = await deps.realtime.getOverview({}, opts(ctx));
        return { status: 200, body: toRest(OverviewSchema, overview ?? create(OverviewSchema)) };
      },
    },
    readRoute({
      path: '/realtime/active-users',
      tag: 'realtime',
      summary: 'Active users now, per minute for the last 30 minutes, by device and region.',
      response: GetActiveUsersResponseSchema,
      call: (req, ctx) => deps.realtime.getActiveUsers(req, opts(ctx)),
    }),
    readRoute({
      path: '/realtime/sessions',
      tag: 'realtime',
      summary: 'Active sessions, most recent first, paged.',
      query: sessionParams,
      response: ListActiveSessionsResponseSchema,
      call: (req, ctx) => deps.realtime.listActiveSessions(req, opts(ctx)),
    }),
    readRoute({
      path: '/realtime/conversions',
      tag: 'realtime',
      summary: 'Funnel step counts in REALTIME_WINDOW_SECONDS windows of the last hour.',
      response: GetConversionsResponseSchema,
      call: (req, ctx) => deps.realtime.getConversions(req, opts(ctx)),
    }),
    {
      method: 'GET',
      path: '/realtime/stream',
      access: 'read',
      tag: 'realtime',
      summary:
        'Server-Sent Events: `event: overview` with the overview as data whenever it changes (at most 4/s, ' +
        'at least every 5 s); `event: error` with a JSON error before the stream ends on a failure.',
      response: { message: OverviewSchema },
      async handle(ctx) {
        noQuery(ctx);
        // The first message decides the status: a service that is down is a plain 503, not an empty stream.
        const messages = deps.realtime.watchOverview({}, { signal: ctx.signal })[Symbol.asyncIterator]();
        let next = await messages.next();
        ctx.res.writeHead(200, {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          'X-Accel-Buffering': 'no',
        });
        try {
          while (next.done !== true) {
            const overview = toRest(OverviewSchema, next.value.overview ?? create(OverviewSchema));
            ctx.res.write(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`);
            next = await messages.next();
          }
        } catch (err) {
          if (!ctx.signal.aborted) {
            const { body } = toHttpError(ConnectError.from(err), deps.logger);
            ctx.res.write(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
          }
        }
        ctx.res.end();
        return undefined;
      },
    },
  ];
}
