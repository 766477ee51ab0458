import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  decodeEvent,
  encodeEvent,
  type EncodedTrackBatchRequest,
  type EncodedTrackRequest,
  EventResultSchema,
  EventStatus,
  type IngestService,
  TrackBatchResponseSchema,
  type Event,
  type EventResult,
} from '@broxiva/contracts';
import { checkBatch, prepareEvent, type BatchLimits, type PrepareDeps } from '@broxiva/ingest-domain';
import { NotFoundError, ValidationError } from '@broxiva/rpc';
import { encodeAccepted } from './event-encoding.js';
import { toEventInput, toFieldViolation, withServerFields } from './event-mapping.js';

/** An accepted event, encoded once: the bytes are reused for the size limit and the bus. */
export interface EncodedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly data: Uint8Array;
}

export interface IngestServiceDeps {
  readonly prepare: PrepareDeps;
  readonly batchLimits: BatchLimits;
  /** Resolves once JetStream has every event on disk; rejects otherwise. */
  readonly publish: (events: readonly EncodedEvent[]) => Promise<void>;
  /** Which of these ids were accepted within the dedup window, and remembering newly accepted ones. */
  readonly dedup: {
    seen(ids: readonly string[]): Promise<readonly boolean[]>;
    remember(ids: readonly string[]): Promise<void>;
  };
  readonly getEvent: (eventId: string) => Promise<Event | undefined>;
  readonly now: () => Date;
  /** Called with each result, for metrics. */
  readonly onResult?: (eventType: string, result: EventResult) => void;
}

/** A client's event: decoded, and its encoding when the request was binary (reused for the bus). */
interface Incoming {
  readonly event: Event;
  readonly encoded?: Uint8Array;
}

type Staged =
  | { readonly kind: 'rejected'; readonly result: EventResult; readonly eventType: string }
  | {
      readonly kind: 'ok';
      readonly index: number;
      readonly historical: boolean;
      readonly event: EncodedEvent;
    };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * IngestService: validate and enrich in the domain, drop what was accepted within the dedup window,
 * publish the rest and answer only after JetStream acknowledged them. A failed publish fails the request
 * (UNAVAILABLE): nothing is reported accepted that is only in memory, and the client's retry with the
 * same event ids is counted once because the store is idempotent.
 *
 * `service` answers requests decoded as usual (JSON); `encoded` answers the same calls read with each
 * event still encoded (binary requests, see encoded-requests.ts), with the same results.
 */
export function ingestService(deps: IngestServiceDeps) {
  function stage({ event, encoded }: Incoming, index: number, receivedAt: Date): Staged {
    const prepared = prepareEvent(toEventInput(event), receivedAt, deps.prepare);
    if (prepared.kind === 'rejected') {
      const result = create(EventResultSchema, {
        index,
        eventId: event.eventId,
        status: EventStatus.REJECTED,
        violations: prepared.violations.map(toFieldViolation),
      });
      return { kind: 'rejected', result, eventType: event.eventType };
    }
    const e = prepared.event;
    const data =
      encoded === undefined
        ? encodeEvent(withServerFields(event, e))
        : encodeAccepted(encoded, e, event.commerce === undefined);
    return {
      kind: 'ok',
      index,
      historical: e.historical,
      event: { eventId: e.eventId, eventType: e.eventType, data },
    };
  }

  async function accept(staged: readonly Staged[]): Promise<EventResult[]> {
    const ok = staged.filter((s) => s.kind === 'ok');
    const seen = ok.length === 0 ? [] : await deps.dedup.seen(ok.map((s) => s.event.eventId));
    const inRequest = new Set<string>();
    const duplicate = new Set<Staged>();
    ok.forEach((s, i) => {
      if (seen[i] === true || inRequest.has(s.event.eventId)) duplicate.add(s);
      inRequest.add(s.event.eventId);
    });
    const fresh = ok.filter((s) => !duplicate.has(s));
    if (fresh.length > 0) {
      await deps.publish(fresh.map((s) => s.event));
      await deps.dedup.remember(fresh.map((s) => s.event.eventId));
    }
    return staged.map((s) => {
      const result =
        s.kind === 'rejected'
          ? s.result
          : create(EventResultSchema, {
              index: s.index,
              eventId: s.event.eventId,
              status: duplicate.has(s) ? EventStatus.DUPLICATE : EventStatus.ACCEPTED,
              historical: s.historical,
            });
      deps.onResult?.(s.kind === 'rejected' ? s.eventType : s.event.eventType, result);
      return result;
    });
  }

  async function track(incoming: Incoming | undefined) {
    if (incoming === undefined) {
      throw new ValidationError([{ field: 'event', rule: 'required', description: 'event is required' }]);
    }
    const staged = stage(incoming, 0, deps.now());
    if (staged.kind === 'rejected') {
      deps.onResult?.(staged.eventType, staged.result);
      throw new ValidationError(staged.result.violations);
    }
    const [result] = await accept([staged]);
    return { result };
  }

  async function trackBatch(incoming: readonly Incoming[]) {
    const receivedAt = deps.now();
    const staged = incoming.map((e, i) => stage(e, i, receivedAt));
    const bytes = staged.reduce((n, s) => n + (s.kind === 'ok' ? s.event.data.length : 0), 0);
    const limits = checkBatch(incoming.length, bytes, deps.batchLimits);
    if (limits.length > 0) throw new ValidationError(limits);
    const results = await accept(staged);
    const count = (status: EventStatus) => results.filter((r) => r.status === status).length;
    return create(TrackBatchResponseSchema, {
      results,
      accepted: count(EventStatus.ACCEPTED),
      duplicates: count(EventStatus.DUPLICATE),
      rejected: count(EventStatus.REJECTED),
    });
  }

  const service: Partial<ServiceImpl<typeof IngestService>> = {
    track: (req) => track(req.event === undefined ? undefined : { event: req.event }),
    trackBatch: (req) => trackBatch(req.events.map((event) => ({ event }))),
    async getEvent(req) {
      if (!UUID.test(req.eventId)) {
        throw new ValidationError([
          { field: 'event_id', rule: 'uuid', description: 'event_id must be a UUID' },
        ]);
      }
      const event = await deps.getEvent(req.eventId.toLowerCase());
      if (event === undefined) throw new NotFoundError(`event ${req.eventId} not found`);
      return { event };
    },
  };
  const encoded = {
    track(req: EncodedTrackRequest) {
      // Occurrences of a message field merge when decoded; concatenated, their encodings decode the same.
      const bytes = req.event.length <= 1 ? req.event[0] : Buffer.concat(req.event);
      return track(bytes === undefined ? undefined : decode(bytes));
    },
    trackBatch: (req: EncodedTrackBatchRequest) => trackBatch(req.events.map(decode)),
  };
  return { service, encoded };
}

/** An event read from its encoding, failing as Connect fails a request it cannot parse. */
function decode(encoded: Uint8Array): Incoming {
  try {
    return { event: decodeEvent(encoded), encoded };
  } catch (e) {
    throw new ConnectError(`parse binary: ${e instanceof Error ? e.message : String(e)}`, Code.Internal);
  }
}
