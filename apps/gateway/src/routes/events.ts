import { create } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';
import {
  encodeEvent,
  EventContextSchema,
  EventResultSchema,
  EventSchema,
  EventStatus,
  TrackBatchResponseSchema,
  type Event,
  type EncodedIngestService,
  type EventResult,
  type IngestService,
} from '@broxiva/contracts';
import type { IncomingMessage } from 'node:http';
import { fromRest, RestInputError, toRest } from '../rest-json.js';
import type { Route, RouteContext } from '../http/route.js';
import { createTrackCoalescer } from './track-coalescer.js';

export interface EventRoutesDeps {
  /** GetEvent. */
  readonly ingest: Client<typeof IngestService>;
  /** Track and TrackBatch, with each event encoded here (encodeEvent: faster than protobuf-es's). */
  readonly ingestEncoded: Client<typeof EncodedIngestService>;
  readonly timeoutMs: number;
  /** Most single events that share one TrackBatch call when they arrive together (1: never); 256. */
  readonly coalesceMaxEvents?: number;
}

/** POST /events/track, POST /events/batch, GET /events/{event_id}: IngestService Track, TrackBatch, GetEvent. */
export function eventRoutes(deps: EventRoutesDeps): Route[] {
  const opts = (ctx: RouteContext) => ({ signal: ctx.signal, timeoutMs: deps.timeoutMs });
  const track = createTrackCoalescer(deps.ingestEncoded, {
    maxEvents: deps.coalesceMaxEvents ?? 256,
    maxBytes: 1024 * 1024,
    timeoutMs: deps.timeoutMs,
  });
  return [
    {
      method: 'POST',
      path: '/events/track',
      access: 'write',
      tag: 'events',
      summary: 'Track one event; answers once it is stored durably.',
      request: { message: EventSchema },
      response: { message: EventResultSchema },
      async handle(ctx) {
        const event = withRequestContext(fromRest(EventSchema, await ctx.body()), ctx);
        const length = Number(ctx.req.headers['content-length']);
        const result = await track(event, Number.isFinite(length) ? length : undefined, ctx.signal);
        return { status: 200, body: toRest(EventResultSchema, result) };
      },
    },
    {
      method: 'POST',
      path: '/events/batch',
      access: 'write',
      tag: 'events',
      summary:
        'Track a JSON array of events. 200 when none is rejected, 207 with per-item results when some are, ' +
        '400 when all are.',
      request: { message: EventSchema, array: true },
      response: { message: TrackBatchResponseSchema },
      responses: {
        '207': 'Some events were rejected: see each result (index, event_id, status, violations).',
      },
      async handle(ctx) {
        const body = await ctx.body();
        if (!Array.isArray(body)) {
          throw new RestInputError([
            { field: '', rule: 'type', description: 'the body must be a JSON array of events' },
          ]);
        }
        if (body.length === 0) {
          throw new RestInputError([
            { field: '', rule: 'min_items', description: 'a batch needs at least one event' },
          ]);
        }
        // Items that do not fit the contract are rejected here, by index; the rest go to Ingest in one call.
        const results: (EventResult | undefined)[] = new Array(body.length);
        const sent: { index: number; event: Event }[] = [];
        body.forEach((item, index) => {
          try {
            sent.push({ index, event: withRequestContext(fromRest(EventSchema, item), ctx) });
          } catch (err) {
            if (!(err instanceof RestInputError)) throw err;
            const eventId =
              typeof item === 'object' && item !== null ? (item as { event_id?: unknown }).event_id : '';
            results[index] = create(EventResultSchema, {
              index,
              eventId: typeof eventId === 'string' ? eventId : '',
              status: EventStatus.REJECTED,
              violations: [...err.violations],
            });
          }
        });
        if (sent.length > 0) {
          const events = sent.map((s) => encodeEvent(s.event));
          const res = await deps.ingestEncoded.trackBatch({ events }, opts(ctx));
          for (const r of res.results) {
            const original = sent[r.index]?.index;
            if (original !== undefined) results[original] = { ...r, index: original };
          }
        }
        const all = results.map(
          (r, index) => r ?? create(EventResultSchema, { index, status: EventStatus.REJECTED }),
        );
        const count = (s: EventStatus) => all.filter((r) => r.status === s).length;
        const response = create(TrackBatchResponseSchema, {
          results: all,
          accepted: count(EventStatus.ACCEPTED),
          duplicates: count(EventStatus.DUPLICATE),
          rejected: count(EventStatus.REJECTED),
        });
        const status = response.rejected === 0 ? 200 : response.rejected === all.length ? 400 : 207;
        return { status, body: toRest(TrackBatchResponseSchema, response) };
      },
    },
    {
      method: 'GET',
      path: '/events/{event_id}',
      access: 'read',
      tag: 'events',
      summary: 'A stored event by id.',
      response: { message: EventSchema },
      async handle(ctx) {
        const { event } = await deps.ingest.getEvent({ eventId: ctx.params['event_id'] ?? '' }, opts(ctx));
        return { status: 200, body: toRest(EventSchema, event ?? create(EventSchema)) };
      },
    },
  ];
}

/**
 * The request's own facts the shop's client need not send: the IP it came from and its User-Agent.
 * Fills them into the event in place: it is the one fromRest just built for this request, and copying
 * every event of a 500-event batch twice over would be allocation for nothing.
 */
function withRequestContext(event: Event, ctx: { req: IncomingMessage; clientIp: string }): Event {
  const context = (event.context ??= create(EventContextSchema));
  if (context.ip === '') context.ip = ctx.clientIp;
  const userAgent = ctx.req.headers['user-agent'];
  if (context.userAgent === '' && userAgent !== undefined) context.userAgent = userAgent;
  return event;
}
