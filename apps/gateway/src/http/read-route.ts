import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { toRest } from '../rest-json.js';
import { initOf, parseQuery, type QueryParam, type Route, type RouteContext } from './route.js';

export interface ReadRouteSpec<Res extends DescMessage> {
  /** OpenAPI-style template: `/user/{user_id}/journey`. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  /** Query parameters, each bound to a field of the RPC's request; none given, any query is refused. */
  readonly query?: readonly QueryParam[];
  readonly response: Res;
  /** Calls the service with the request fields read from the query (keyed by their local names). */
  readonly call: (request: Record<string, unknown>, ctx: RouteContext) => Promise<MessageShape<Res>>;
}

/**
 * The common shape of the read routes: GET, a reader's JWT, query parameters typed by the contract, one
 * RPC, its response as REST JSON with 200.
 */
export function readRoute<Res extends DescMessage>(s: ReadRouteSpec<Res>): Route {
  const query = s.query ?? [];
  return {
    method: 'GET',
    path: s.path,
    access: 'read',
    tag: s.tag,
    summary: s.summary,
    ...(s.query === undefined ? {} : { query: s.query }),
    response: { message: s.response },
    async handle(ctx) {
      const request = initOf(query, parseQuery(query, ctx.query));
      return { status: 200, body: toRest(s.response, await s.call(request, ctx)) };
    },
  };
}
